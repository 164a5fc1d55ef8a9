// instance.create — a server was recorded (BUILD); the payload is the server as it is now.
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineNotification } from "../contract.js";
import { instanceSchema } from "../models/instance.js";

export const instanceCreateEvent = defineNotification({
  event: "instance.create",
  version: "1.0",
  payload: z.object({ instance: instanceSchema }),
});
