// conductor.server_action — a user acts on a server (stop, reboot, resize, delete, …). The
// conductor checks the action's guard (packages/rpc/src/domain/server-actions), moves the task
// state with a compare-and-swap, records the instance action, answers, and casts the work to the
// server's compute host. Replies with the server as it is right after the swap.
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";
import { SERVER_ACTION_NAMES, type ServerActionName } from "../domain/server-actions/index.js";
import { projectId } from "../models/common.js";
import { instanceSchema } from "../models/instance.js";

export const serverAction = defineCall({
  service: "conductor",
  name: "server_action",
  version: "1.0",
  request: z.object({
    uuid: z.string().min(1).max(255),
    projectId: projectId.nullable(),
    action: z.enum(SERVER_ACTION_NAMES as [ServerActionName, ...ServerActionName[]]),
    /** resize: the new flavor */
    flavorRef: z.string().min(1).max(255).optional(),
    /** os-resetState: the state to force */
    resetTo: z.enum(["active", "error"]).optional(),
    /** lock: why (API ≥ 2.73) */
    lockedReason: z.string().max(255).optional(),
  }),
  reply: instanceSchema,
});
