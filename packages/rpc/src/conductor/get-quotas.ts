// conductor.get_quotas — a project's limits (its own, else the `default` class's, else Nova's
// defaults), the defaults alone, and what the project uses now.
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";
import { projectId } from "../models/common.js";
import { quotaSetSchema, quotaUsageSchema } from "../models/quota.js";

export const quotasReply = z.object({
  limits: quotaSetSchema,
  defaults: quotaSetSchema,
  usage: quotaUsageSchema,
});

export const getQuotas = defineCall({
  service: "conductor",
  name: "get_quotas",
  version: "1.0",
  request: z.object({ projectId }),
  reply: quotasReply,
});
