// conductor.check_role — whether a user has a role on a project (`not_found` if not).
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";
import { assignmentRefSchema } from "../models/identity.js";

export const checkRole = defineCall({
  service: "conductor",
  name: "check_role",
  version: "1.0",
  request: assignmentRefSchema,
  reply: z.object({}),
});
