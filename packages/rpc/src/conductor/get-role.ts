// conductor.get_role — one role by id (`not_found` otherwise).
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";
import { identityRef, roleSchema } from "../models/identity.js";

export const getRole = defineCall({
  service: "conductor",
  name: "get_role",
  version: "1.0",
  request: z.object({ id: identityRef }),
  reply: roleSchema,
});
