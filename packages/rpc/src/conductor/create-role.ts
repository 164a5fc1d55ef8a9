// conductor.create_role — a new role; `conflict` when the name is taken.
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";
import { roleName, roleSchema } from "../models/identity.js";

export const createRole = defineCall({
  service: "conductor",
  name: "create_role",
  version: "1.0",
  request: z.object({ name: roleName }),
  reply: roleSchema,
});
