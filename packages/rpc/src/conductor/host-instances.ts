// conductor.host_instances — what the database believes a compute host runs: its live servers, and
// the uuids of its servers deleted while it was away (their domains must go). Used at start-up.
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";
import { hostName } from "../models/common.js";
import { instanceSchema } from "../models/instance.js";

export const hostInstances = defineCall({
  service: "conductor",
  name: "host_instances",
  version: "1.0",
  request: z.object({ host: hostName }),
  reply: z.object({
    instances: z.array(instanceSchema),
    deletedUuids: z.array(z.uuid()),
  }),
});
