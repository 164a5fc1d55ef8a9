// conductor.rescope_token — Keystone's `token` method: a valid token (by its sha256) buys a new
// token for the same user scoped to another project the user has a role on. The new token expires
// when the original does (never later), so re-scoping cannot stretch a session; the original stays
// valid, as in Keystone (the caller revokes it if it wants to). Any failure is `unauthorized`.
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";
import { domainRefSchema, identityRef, tokenDataSchema, tokenHash } from "../models/identity.js";

export const rescopeToken = defineCall({
  service: "conductor",
  name: "rescope_token",
  version: "1.0",
  request: z.object({
    /** the token presented (X-Auth-Token or the dashboard's session) */
    tokenHash,
    /** the hash the new token is recorded under (the web keeps the token itself) */
    newTokenHash: tokenHash,
    /** the project to scope to: by id, or by name within a domain */
    project: z.union([
      z.strictObject({ id: identityRef }),
      z.strictObject({ name: z.string().min(1).max(255), domain: domainRefSchema }),
    ]),
  }),
  reply: tokenDataSchema,
});
