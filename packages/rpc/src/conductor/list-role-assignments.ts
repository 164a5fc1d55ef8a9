// conductor.list_role_assignments — GET /v3/role_assignments and the role lists of a user on a
// project, with names. There are no groups, domain assignments or inherited roles, so every
// assignment is direct and "effective" lists the same ones.
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";
import { identityRef, roleAssignmentSchema } from "../models/identity.js";

export const listRoleAssignments = defineCall({
  service: "conductor",
  name: "list_role_assignments",
  version: "1.0",
  request: z.object({
    userId: identityRef.optional(),
    projectId: identityRef.optional(),
    roleId: identityRef.optional(),
  }),
  reply: z.object({ assignments: z.array(roleAssignmentSchema) }),
});
