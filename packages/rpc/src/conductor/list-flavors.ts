// conductor.list_flavors — GET /flavors[/detail]: flavors filtered, sorted and paged as Nova does.
// A marker that names no visible flavor is `invalid` ("marker [<id>] not found").
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";
import { pageRequest, projectId } from "../models/common.js";
import { flavorSchema } from "../models/flavor.js";

/** Nova's flavor sort keys (vcpu_weight has no column here: sorting by it is by id alone). */
export const FLAVOR_SORT_KEYS = [
  "created_at",
  "description",
  "disabled",
  "ephemeral_gb",
  "flavorid",
  "id",
  "is_public",
  "memory_mb",
  "name",
  "root_gb",
  "rxtx_factor",
  "swap",
  "updated_at",
  "vcpu_weight",
  "vcpus",
] as const;

export const listFlavors = defineCall({
  service: "conductor",
  name: "list_flavors",
  version: "1.0",
  request: z.object({
    /** the caller's project: private flavors it was given access to count as public to it */
    projectId,
    /** false: only flavors the project may use (public or granted); true: all (admins) */
    allProjects: z.boolean(),
    /** true: public or granted to the project; false: private ones only; null: either */
    isPublic: z.boolean().nullable(),
    /** leave out disabled flavors (Nova does for non-admins) */
    enabledOnly: z.boolean(),
    minRam: z.number().int().optional(),
    minDisk: z.number().int().optional(),
    sortKey: z.enum(FLAVOR_SORT_KEYS),
    sortDir: z.enum(["asc", "desc"]),
    ...pageRequest,
  }),
  reply: z.object({ flavors: z.array(flavorSchema) }),
});
