// conductor.update_quotas — PUT /os-quota-sets/{project}: set some of a project's limits. Unless
// forced, a limit below what the project uses now is `invalid` (Nova's 400), decided under the
// project's quota lock so that no create slips in between.
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";
import { projectId } from "../models/common.js";
import { quotaChangesSchema } from "../models/quota.js";
import { quotasReply } from "./get-quotas.js";

export const updateQuotas = defineCall({
  service: "conductor",
  name: "update_quotas",
  version: "1.0",
  request: z.object({ projectId, limits: quotaChangesSchema, force: z.boolean() }),
  reply: quotasReply,
});
