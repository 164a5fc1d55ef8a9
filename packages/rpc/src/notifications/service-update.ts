// service.update — a service came up, went down or was enabled/disabled (Nova's versioned
// `service.update` notification, reduced to what the dashboard and the scheduler read).
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineNotification } from "../contract.js";

export const serviceUpdateEvent = defineNotification({
  event: "service.update",
  version: "1.0",
  payload: z.object({
    binary: z.string().min(1).max(255),
    host: z.string().min(1).max(255),
    state: z.enum(["up", "down"]),
    status: z.enum(["enabled", "disabled"]),
    disabledReason: z.string().max(255).nullable(),
    lastSeenUp: z.iso.datetime().nullable(),
  }),
});
