// conductor.service_report — a service registers itself at start and then heartbeats (every 10 s);
// a compute host also sends its node's inventory. The reply tells the service whether an admin
// disabled it or forced it down.
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";
import { hostName } from "../models/common.js";
import { nodeInventorySchema } from "../models/host.js";

export const serviceReport = defineCall({
  service: "conductor",
  name: "service_report",
  version: "1.0",
  request: z.object({
    host: hostName,
    binary: z.enum(["nova-compute", "nova-scheduler", "nova-conductor", "nova-consoleauth"]),
    version: z.string().max(64),
    /** compute hosts only */
    node: nodeInventorySchema.optional(),
  }),
  reply: z.object({
    serviceId: z.number().int(),
    disabled: z.boolean(),
    forcedDown: z.boolean(),
  }),
});
