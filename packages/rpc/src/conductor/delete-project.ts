// conductor.delete_project — delete a project with its role assignments and tokens (what it owns
// in compute is left alone, as Keystone leaves it to the other services).
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";
import { identityRef } from "../models/identity.js";

export const deleteProject = defineCall({
  service: "conductor",
  name: "delete_project",
  version: "1.0",
  request: z.object({ id: identityRef }),
  reply: z.object({}),
});
