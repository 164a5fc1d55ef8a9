// conductor.store_console_token — consoleauth keeps a console token: only its SHA-256, with what
// it opens and until when. `not_found` when the instance does not exist (any more).
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";
import { consoleTokenFields } from "../models/console.js";

export const storeConsoleToken = defineCall({
  service: "conductor",
  name: "store_console_token",
  version: "1.0",
  request: consoleTokenFields,
  reply: z.object({}),
});
