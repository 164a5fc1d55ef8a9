// conductor.list_users — users, filtered as GET /v3/users does (name, domain, enabled).
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";
import { domainId, userSchema } from "../models/identity.js";

export const listUsers = defineCall({
  service: "conductor",
  name: "list_users",
  version: "1.0",
  request: z.object({
    name: z.string().max(255).optional(),
    domainId: domainId.optional(),
    enabled: z.boolean().optional(),
  }),
  reply: z.object({ users: z.array(userSchema) }),
});
