// conductor.list_servers — servers of a project (or of all projects for an admin), filtered,
// sorted and paginated in the database. A marker that names no server is `invalid`
// ("marker [<id>] not found"), which the API answers with 400 as Nova does.
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";
import { hostName, isoDate, pageRequest, projectId } from "../models/common.js";
import { instanceSchema } from "../models/instance.js";
import { vmStateSchema } from "../domain/states.js";

/** Nova's sort keys that are columns here (the others are constant here, so sorting by them is moot). */
export const SERVER_SORT_KEYS = [
  "created_at",
  "updated_at",
  "launched_at",
  "terminated_at",
  "display_name",
  "display_description",
  "hostname",
  "uuid",
  "vm_state",
  "task_state",
  "power_state",
  "progress",
  "host",
  "node",
  "availability_zone",
  "project_id",
  "user_id",
  "image_ref",
  "key_name",
  "launch_index",
  "locked",
  "locked_by",
  "access_ip_v4",
  "access_ip_v6",
  "memory_mb",
  "vcpus",
] as const;

export const listServers = defineCall({
  service: "conductor",
  name: "list_servers",
  version: "1.0",
  request: z.object({
    /** null: every project (admins only; the API checks the policy) */
    projectId: projectId.nullable(),
    filters: z.object({
      /** a regular expression, as in Nova */
      name: z.string().max(255).optional(),
      /** API statuses (ACTIVE, SHUTOFF, …), any of them */
      status: z.array(z.string().max(32)).max(32).optional(),
      vmState: z.array(vmStateSchema).optional(),
      host: hostName.optional(),
      node: z.string().max(255).optional(),
      uuid: z.uuid().optional(),
      flavor: z.string().max(255).optional(),
      image: z.string().max(255).optional(),
      availabilityZone: z.string().max(255).optional(),
      userId: z.string().max(64).optional(),
      reservationId: z.string().max(255).optional(),
      locked: z.boolean().optional(),
      changesSince: isoDate.optional(),
      changesBefore: isoDate.optional(),
      /**
       * As Nova's `deleted` filter: true = only deleted servers, false = only live ones, absent =
       * both (what changes-since / changes-before ask for). The API always says which it wants.
       */
      deleted: z.boolean().optional(),
    }),
    sort: z.array(z.object({ key: z.enum(SERVER_SORT_KEYS), dir: z.enum(["asc", "desc"]) })).max(8),
    ...pageRequest,
  }),
  reply: z.object({
    servers: z.array(instanceSchema),
  }),
});
