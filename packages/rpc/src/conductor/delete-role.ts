// conductor.delete_role — delete a role and every assignment of it.
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";
import { identityRef } from "../models/identity.js";

export const deleteRole = defineCall({
  service: "conductor",
  name: "delete_role",
  version: "1.0",
  request: z.object({ id: identityRef }),
  reply: z.object({}),
});
