// conductor.list_usage — os-simple-tenant-usage: the servers (deleted ones included) that were
// launched before `end` and not terminated before `start`, by project then uuid, paged with a
// server uuid as the marker (one that names no server is `invalid`).
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";
import { isoDate, projectId } from "../models/common.js";
import { usageInstanceSchema } from "../models/usage.js";

export const listUsage = defineCall({
  service: "conductor",
  name: "list_usage",
  version: "1.0",
  request: z.object({
    /** null: every project */
    projectId: projectId.nullable(),
    start: isoDate,
    end: isoDate,
    limit: z.number().int().min(1).max(1000),
    marker: z.uuid().optional(),
  }),
  reply: z.object({ instances: z.array(usageInstanceSchema) }),
});
