// conductor.revoke_token — revoke one token (DELETE /v3/auth/tokens); publishes identity.change so
// every web process drops it from its cache. `not_found` if it is not a valid token.
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";
import { tokenHash } from "../models/identity.js";

export const revokeToken = defineCall({
  service: "conductor",
  name: "revoke_token",
  version: "1.0",
  request: z.object({ tokenHash }),
  reply: z.object({ auditId: z.string() }),
});
