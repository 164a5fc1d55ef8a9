// identity.change — something a token's meaning depends on changed: a token was revoked, or a
// user, project, role or role assignment changed. Web processes drop the cached tokens it touches
// (all of them for a role), so a revoked token or a removed role stops working at once.
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineNotification } from "../contract.js";

export const identityChangeEvent = defineNotification({
  event: "identity.change",
  version: "1.0",
  payload: z.object({
    kind: z.enum(["token", "user", "project", "role", "assignment"]),
    /** the token's audit id, or the user's, project's or role's id */
    id: z.string().min(1).max(64),
    /** for an assignment: whose roles changed */
    userId: z.string().min(1).max(64).optional(),
  }),
});
