// conductor.list_roles — every role, or the one with a name (GET /v3/roles?name=).
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";
import { roleSchema } from "../models/identity.js";

export const listRoles = defineCall({
  service: "conductor",
  name: "list_roles",
  version: "1.0",
  request: z.object({ name: z.string().max(255).optional() }),
  reply: z.object({ roles: z.array(roleSchema) }),
});
