// conductor.list_instance_actions — os-instance-actions: a server's actions, newest first, with
// their events (also for a deleted server, as Nova allows).
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";
import { instanceActionSchema } from "../models/action.js";
import { isoDate, pageRequest, projectId } from "../models/common.js";

export const listInstanceActions = defineCall({
  service: "conductor",
  name: "list_instance_actions",
  version: "1.0",
  request: z.object({
    uuid: z.string().min(1).max(255),
    projectId: projectId.nullable(),
    /** one action by its request id */
    requestId: z.string().max(255).optional(),
    changesSince: isoDate.optional(),
    changesBefore: isoDate.optional(),
    ...pageRequest,
  }),
  reply: z.object({ actions: z.array(instanceActionSchema) }),
});
