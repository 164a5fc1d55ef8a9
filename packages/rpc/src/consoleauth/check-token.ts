// consoleauth.check_token — the console proxy asks whether a token opens a console now, and where.
// A refusal is an answer, not an error: its `reason` tells the proxy (and so the browser) why, in
// a word it can put in plain ones (packages/rpc/src/domain/console.ts). The address is the
// instance's display now (a hard reboot may have moved it to another port).
//
// Version history:
//   1.0 – initial version
//   2.0 – refusal reason `instance_busy` (a task brings the display back: retry); 1.0 never had a
//         receiver, so nothing serves it side by side
import { z } from "zod";
import { defineCall } from "../contract.js";
import { consoleRefusalSchema } from "../domain/console.js";
import { consoleTokenFields } from "../models/console.js";

export const checkConsoleToken = defineCall({
  service: "consoleauth",
  name: "check_token",
  version: "2.0",
  request: z.object({ token: z.string().min(1).max(255) }),
  reply: z.discriminatedUnion("valid", [
    consoleTokenFields.omit({ tokenHash: true }).extend({
      valid: z.literal(true),
      /** the token's hash: sessions are counted per token without keeping the token */
      tokenHash: consoleTokenFields.shape.tokenHash,
    }),
    z.object({
      valid: z.literal(false),
      reason: consoleRefusalSchema,
      message: z.string(),
    }),
  ]),
});
