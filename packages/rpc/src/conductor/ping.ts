// conductor.ping — is the conductor there, and who answered? Used by health checks and the bus tests.
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";

export const ping = defineCall({
  service: "conductor",
  name: "ping",
  version: "1.0",
  request: z.object({
    echo: z.string().max(1024),
  }),
  reply: z.object({
    echo: z.string().max(1024),
    /** The host of the instance that answered. */
    host: z.string().min(1),
  }),
});
