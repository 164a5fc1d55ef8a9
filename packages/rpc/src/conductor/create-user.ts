// conductor.create_user — a new user; the password is hashed with argon2id by the conductor and
// never stored or logged as given. `conflict` when the name is taken in the domain; `not_found`
// for a default project that does not exist.
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";
import { domainId, identityRef, password, userName, userSchema } from "../models/identity.js";

export const createUser = defineCall({
  service: "conductor",
  name: "create_user",
  version: "1.0",
  request: z.object({
    name: userName,
    domainId,
    /** null: the user cannot log in with a password */
    password: password.nullable(),
    enabled: z.boolean(),
    defaultProjectId: identityRef.nullable(),
    email: z.string().max(255).nullable(),
  }),
  reply: userSchema,
});
