// conductor.delete_quotas — DELETE /os-quota-sets/{project}: back to the defaults.
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";
import { projectId } from "../models/common.js";

export const deleteQuotas = defineCall({
  service: "conductor",
  name: "delete_quotas",
  version: "1.0",
  request: z.object({ projectId }),
  reply: z.object({}),
});
