// consoleauth.authorize_console — issue a console token for a display the API looked up: a random
// 32-byte token (base64url) whose SHA-256 is stored through the conductor with the display and an
// expiry of now + NIMBUS_CONSOLE_TOKEN_TTL. The token is in this reply and nowhere else. Who asked
// is the message's context (its user and project are stored with the token).
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";
import { consoleTokenFields } from "../models/console.js";
import { isoDate } from "../models/common.js";

export const authorizeConsole = defineCall({
  service: "consoleauth",
  name: "authorize_console",
  version: "1.0",
  request: consoleTokenFields.pick({
    consoleType: true,
    instanceUuid: true,
    computeHost: true,
    host: true,
    port: true,
  }),
  reply: z.object({
    token: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
    expiresAt: isoDate,
  }),
});
