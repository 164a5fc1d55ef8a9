// instance.update — a server changed; the payload is the server as it is now, so a subscriber (the
// dashboard) needs no second read.
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineNotification } from "../contract.js";
import { instanceSchema } from "../models/instance.js";

export const instanceUpdateEvent = defineNotification({
  event: "instance.update",
  version: "1.0",
  payload: z.object({ instance: instanceSchema }),
});
