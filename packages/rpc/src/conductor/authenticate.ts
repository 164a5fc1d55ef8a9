// conductor.authenticate — Keystone's password method: check a user's password (argon2id) and its
// roles on the requested scope, then record the token under the hash the web sent (the web keeps
// the token itself and hands it to the client once). Any failure is `unauthorized`, with a
// message that does not say whether the user exists.
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";
import {
  domainRefSchema,
  identityRef,
  password,
  tokenDataSchema,
  tokenHash,
} from "../models/identity.js";

/** A user or a project: by id, or by name within a domain. */
const byIdOrName = z.union([
  z.strictObject({ id: identityRef }),
  z.strictObject({ name: z.string().min(1).max(255), domain: domainRefSchema }),
]);

export const authenticate = defineCall({
  service: "conductor",
  name: "authenticate",
  version: "1.0",
  request: z.object({
    tokenHash,
    user: byIdOrName,
    password,
    /**
     * The token's scope. null (none asked): the user's default project if it has a role there,
     * else unscoped, as Keystone does; "unscoped" forces an unscoped token.
     */
    scope: z.union([
      z.strictObject({ project: byIdOrName }),
      z.strictObject({ domain: domainRefSchema }),
      z.literal("unscoped"),
      z.null(),
    ]),
  }),
  reply: tokenDataSchema,
});
