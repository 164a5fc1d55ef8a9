// conductor.console_output — os-getConsoleOutput: the tail of a server's serial console log,
// fetched from its compute host.
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";
import { projectId } from "../models/common.js";

export const consoleOutput = defineCall({
  service: "conductor",
  name: "console_output",
  version: "1.0",
  request: z.object({
    uuid: z.string().min(1).max(255),
    projectId: projectId.nullable(),
    /** the last N lines; all when absent */
    length: z.number().int().min(0).optional(),
  }),
  reply: z.object({ output: z.string() }),
});
