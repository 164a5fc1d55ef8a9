// conductor.delete_user — delete a user with its role assignments and tokens.
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";
import { identityRef } from "../models/identity.js";

export const deleteUser = defineCall({
  service: "conductor",
  name: "delete_user",
  version: "1.0",
  request: z.object({ id: identityRef }),
  reply: z.object({}),
});
