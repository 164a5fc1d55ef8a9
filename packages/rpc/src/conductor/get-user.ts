// conductor.get_user — one user by id (`not_found` otherwise).
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";
import { identityRef, userSchema } from "../models/identity.js";

export const getUser = defineCall({
  service: "conductor",
  name: "get_user",
  version: "1.0",
  request: z.object({ id: identityRef }),
  reply: userSchema,
});
