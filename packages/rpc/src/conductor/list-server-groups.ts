// conductor.list_server_groups — a project's server groups (or every project's), oldest first,
// paged by offset as Nova pages them.
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";
import { projectId } from "../models/common.js";
import { serverGroupSchema } from "../models/server-group.js";

export const listServerGroups = defineCall({
  service: "conductor",
  name: "list_server_groups",
  version: "1.0",
  request: z.object({
    /** null: every project's (admins) */
    projectId: projectId.nullable(),
    limit: z.number().int().min(1).max(1000),
    offset: z.number().int().min(0),
  }),
  reply: z.object({ serverGroups: z.array(serverGroupSchema) }),
});
