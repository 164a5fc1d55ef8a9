// conductor.quota_class — a quota class's limits (its own, else Nova's defaults), after setting
// some of them. Only the class `default` applies to projects; other names are stored and shown.
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";
import { quotaChangesSchema, quotaSetSchema } from "../models/quota.js";

export const quotaClass = defineCall({
  service: "conductor",
  name: "quota_class",
  version: "1.0",
  request: z.object({
    className: z.string().min(1).max(255),
    /** limits to set first; empty to only read */
    set: quotaChangesSchema,
  }),
  reply: z.object({ limits: quotaSetSchema }),
});
