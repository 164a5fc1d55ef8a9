// Identity (a small Keystone v3): projects, users, roles, role assignments and tokens, as the
// conductor answers them. There is one domain, "default" (named "Default"); a domain field is
// kept on everything so the API can render Keystone's shapes.
import { z } from "zod";
import { isoDate } from "./common.js";

/** The only domain, as keystone-manage bootstrap creates it. */
export const DEFAULT_DOMAIN = { id: "default", name: "Default" } as const;

/** An id as a client may send it: looked up as is, so a name where an id belongs is "not found". */
export const identityRef = z.string().min(1).max(255);
export const domainId = z.string().min(1).max(64);
export const projectName = z.string().trim().min(1).max(64);
export const userName = z.string().trim().min(1).max(255);
export const roleName = z.string().trim().min(1).max(255);
/** Keystone caps passwords at 4096 bytes (argon2 hashes anything, but a bound keeps it cheap). */
export const password = z.string().min(1).max(4096);
/** The sha256 of a token, hex: the only form in which a token crosses the bus. */
export const tokenHash = z.string().regex(/^[0-9a-f]{64}$/);

/** A domain named by id or by name (Keystone accepts either in a scope or a user reference). */
export const domainRefSchema = z.union([
  z.strictObject({ id: domainId }),
  z.strictObject({ name: z.string().min(1).max(64) }),
]);
export type DomainRef = z.infer<typeof domainRefSchema>;

export const projectSchema = z.object({
  id: z.string().length(32),
  name: projectName,
  domainId,
  description: z.string().nullable(),
  enabled: z.boolean(),
});
export type Project = z.infer<typeof projectSchema>;

export const userSchema = z.object({
  id: z.string().length(32),
  name: userName,
  domainId,
  enabled: z.boolean(),
  defaultProjectId: z.string().nullable(),
  email: z.string().nullable(),
});
export type User = z.infer<typeof userSchema>;

export const roleSchema = z.object({ id: z.string().length(32), name: roleName });
export type Role = z.infer<typeof roleSchema>;

const named = z.object({ id: z.string(), name: z.string(), domainId });

/** "User U has role R on project P", with the names (the API drops them unless asked). */
export const roleAssignmentSchema = z.object({
  user: named,
  project: named,
  role: roleSchema,
});
export type RoleAssignment = z.infer<typeof roleAssignmentSchema>;

/**
 * What a valid token stands for. `project` is set for a project-scoped token, `domain` for a
 * domain-scoped one, neither for an unscoped one. Roles are read when the token is validated, so
 * a role revoked since the token was issued is gone from it.
 */
export const tokenDataSchema = z.object({
  user: named,
  project: named.nullable(),
  domain: z.object({ id: domainId, name: z.string() }).nullable(),
  roles: z.array(roleSchema),
  methods: z.array(z.string()),
  auditId: z.string().min(1).max(32),
  issuedAt: isoDate,
  expiresAt: isoDate,
});
export type TokenData = z.infer<typeof tokenDataSchema>;

/** One assignment, named by ids (PUT/HEAD/DELETE /v3/projects/{p}/users/{u}/roles/{r}). */
export const assignmentRefSchema = z.object({
  projectId: identityRef,
  userId: identityRef,
  roleId: identityRef,
});
