// conductor.list_projects — projects, filtered as GET /v3/projects does (name, domain, enabled),
// or the projects a user has a role on (GET /v3/users/{id}/projects, GET /v3/auth/projects).
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";
import { domainId, identityRef, projectSchema } from "../models/identity.js";

export const listProjects = defineCall({
  service: "conductor",
  name: "list_projects",
  version: "1.0",
  request: z.object({
    name: z.string().max(255).optional(),
    domainId: domainId.optional(),
    enabled: z.boolean().optional(),
    /** only projects this user has at least one role on */
    userId: identityRef.optional(),
  }),
  reply: z.object({ projects: z.array(projectSchema) }),
});
