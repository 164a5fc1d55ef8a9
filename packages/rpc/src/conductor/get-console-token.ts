// conductor.get_console_token — a console token's record by the SHA-256 of the token, with the
// state of its instance now, for consoleauth to decide on; null when no such token is stored.
//
// Version history:
//   1.0 – initial version
//   1.1 – the instance's task state (a reboot or a start brings the display back)
import { z } from "zod";
import { defineCall } from "../contract.js";
import { consoleTokenHash, consoleTokenRecordSchema } from "../models/console.js";

export const getConsoleToken = defineCall({
  service: "conductor",
  name: "get_console_token",
  version: "1.1",
  request: z.object({ tokenHash: consoleTokenHash }),
  reply: z.object({ record: consoleTokenRecordSchema.nullable() }),
});
