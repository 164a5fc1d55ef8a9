// instance.action — an action on a server, or one of its events, started or finished (the
// dashboard's task drawer follows these).
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineNotification } from "../contract.js";
import { instanceActionSchema } from "../models/action.js";

export const instanceActionEvent = defineNotification({
  event: "instance.action",
  version: "1.0",
  payload: z.object({ instanceName: z.string(), action: instanceActionSchema }),
});
