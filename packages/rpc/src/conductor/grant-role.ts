// conductor.grant_role — give a user a role on a project (granting it again changes nothing).
// `not_found` names whichever of the three does not exist.
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";
import { assignmentRefSchema } from "../models/identity.js";

export const grantRole = defineCall({
  service: "conductor",
  name: "grant_role",
  version: "1.0",
  request: assignmentRefSchema,
  reply: z.object({}),
});
