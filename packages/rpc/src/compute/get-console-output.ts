// compute.get_console_output — the tail of a server's serial console log on this host.
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";

export const getConsoleOutput = defineCall({
  service: "compute",
  name: "get_console_output",
  version: "1.0",
  request: z.object({
    uuid: z.uuid(),
    length: z.number().int().min(0).optional(),
  }),
  reply: z.object({ output: z.string() }),
});
