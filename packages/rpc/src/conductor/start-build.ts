// conductor.start_build — a compute host takes up a build: compare-and-swap from scheduling to
// spawning, only if the server is still assigned to this host and this attempt. `proceed: false`
// means the message is stale (server deleted or rescheduled): drop it.
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";
import { hostName } from "../models/common.js";
import { instanceSchema } from "../models/instance.js";

export const startBuild = defineCall({
  service: "conductor",
  name: "start_build",
  version: "1.0",
  request: z.object({
    uuid: z.uuid(),
    host: hostName,
    attempt: z.number().int().min(1),
  }),
  reply: z.object({
    proceed: z.boolean(),
    instance: instanceSchema.nullable(),
  }),
});
