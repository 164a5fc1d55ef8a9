// instance.delete — a server is gone (soft-deleted; its resources are free).
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineNotification } from "../contract.js";
import { projectId } from "../models/common.js";

export const instanceDeleteEvent = defineNotification({
  event: "instance.delete",
  version: "1.0",
  payload: z.object({ uuid: z.uuid(), projectId, name: z.string() }),
});
