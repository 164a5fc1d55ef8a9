// conductor.list_servers — servers of a project (or of all projects for an admin), filtered,
// sorted and paginated in the database.
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";
import { hostName, isoDate, pageRequest, projectId } from "../models/common.js";
import { instanceSchema } from "../models/instance.js";
import { vmStateSchema } from "../domain/states.js";

export const SERVER_SORT_KEYS = [
  "created_at",
  "updated_at",
  "launched_at",
  "display_name",
  "uuid",
  "vm_state",
  "task_state",
  "power_state",
  "host",
  "node",
  "availability_zone",
  "project_id",
  "user_id",
  "image_ref",
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
      /** include soft-deleted servers (changes-since does, as in Nova; admins may ask for them) */
      deleted: z.boolean().optional(),
    }),
    sort: z
      .array(z.object({ key: z.enum(SERVER_SORT_KEYS), dir: z.enum(["asc", "desc"]) }))
      .max(8),
    ...pageRequest,
  }),
  reply: z.object({
    servers: z.array(instanceSchema),
  }),
});
