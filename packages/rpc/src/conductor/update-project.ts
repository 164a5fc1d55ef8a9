// conductor.update_project — rename, describe, enable or disable a project. Disabling it makes
// the tokens scoped to it invalid at once (identity.change).
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";
import { identityRef, projectName, projectSchema } from "../models/identity.js";

export const updateProject = defineCall({
  service: "conductor",
  name: "update_project",
  version: "1.0",
  request: z.object({
    id: identityRef,
    name: projectName.optional(),
    description: z.string().max(65_535).nullable().optional(),
    enabled: z.boolean().optional(),
  }),
  reply: projectSchema,
});
