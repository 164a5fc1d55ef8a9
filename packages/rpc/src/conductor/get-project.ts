// conductor.get_project — one project by id (`not_found` otherwise, names included).
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";
import { identityRef, projectSchema } from "../models/identity.js";

export const getProject = defineCall({
  service: "conductor",
  name: "get_project",
  version: "1.0",
  request: z.object({ id: identityRef }),
  reply: projectSchema,
});
