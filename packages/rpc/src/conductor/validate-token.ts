// conductor.validate_token — what a token (by its sha256) stands for now: `unauthorized` once it
// expired, was revoked, or its user or project was disabled; roles are read afresh.
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";
import { tokenDataSchema, tokenHash } from "../models/identity.js";

export const validateToken = defineCall({
  service: "conductor",
  name: "validate_token",
  version: "1.0",
  request: z.object({ tokenHash }),
  reply: tokenDataSchema,
});
