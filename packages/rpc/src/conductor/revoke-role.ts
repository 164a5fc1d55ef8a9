// conductor.revoke_role — take a role on a project away from a user; `not_found` if it had none.
// The user's tokens for that project lose the role at once (identity.change).
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";
import { assignmentRefSchema } from "../models/identity.js";

export const revokeRole = defineCall({
  service: "conductor",
  name: "revoke_role",
  version: "1.0",
  request: assignmentRefSchema,
  reply: z.object({}),
});
