// conductor.update_user — change a user's name, password, default project, e-mail or enabled
// flag. A new password or disabling the user revokes its tokens, as Keystone does.
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";
import { identityRef, password, userName, userSchema } from "../models/identity.js";

export const updateUser = defineCall({
  service: "conductor",
  name: "update_user",
  version: "1.0",
  request: z.object({
    id: identityRef,
    name: userName.optional(),
    password: password.nullable().optional(),
    enabled: z.boolean().optional(),
    defaultProjectId: identityRef.nullable().optional(),
    email: z.string().max(255).nullable().optional(),
  }),
  reply: userSchema,
});
