// conductor.create_project — a new project; `conflict` when its domain already has one of that name.
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";
import { domainId, projectName, projectSchema } from "../models/identity.js";

export const createProject = defineCall({
  service: "conductor",
  name: "create_project",
  version: "1.0",
  request: z.object({
    name: projectName,
    domainId,
    description: z.string().max(65_535).nullable(),
    enabled: z.boolean(),
  }),
  reply: projectSchema,
});
