// The identity service: tokens (issue, validate, revoke) and Keystone's administration of
// projects, users, roles and role assignments. Every function authorizes with the policy table,
// then asks the conductor. Tokens are made here and only their sha256 crosses the bus.
import { createHash, randomBytes } from "node:crypto";
import {
  authenticate as authenticateContract,
  checkRole as checkRoleContract,
  createProject as createProjectContract,
  createRole as createRoleContract,
  createUser as createUserContract,
  deleteProject as deleteProjectContract,
  deleteRole as deleteRoleContract,
  deleteUser as deleteUserContract,
  getProject as getProjectContract,
  getRole as getRoleContract,
  getUser as getUserContract,
  grantRole as grantRoleContract,
  isRpcError,
  listProjects as listProjectsContract,
  listRoleAssignments as listRoleAssignmentsContract,
  listRoles as listRolesContract,
  listUsers as listUsersContract,
  rescopeToken as rescopeTokenContract,
  revokeRole as revokeRoleContract,
  revokeToken as revokeTokenContract,
  RpcError,
  updateProject as updateProjectContract,
  updateUser as updateUserContract,
  validateToken as validateTokenContract,
  type Bus,
  type Project,
  type RequestContext as BusContext,
  type Role,
  type RoleAssignment,
  type TokenData,
  type User,
} from "@nimbus/rpc";
import { allowed, type PolicyName } from "@nimbus/rpc/domain";
import type { z } from "zod";
import type { Logger } from "../logger";
import type { TokenHolder } from "../rest/context";
import { forbidden } from "./context";

/** The caller of an identity function: any valid token's holder, scoped or not. */
export interface IdentityContext {
  bus: Bus;
  log: Logger;
  requestId: string;
  holder: TokenHolder;
}

const busCtx = (ctx: IdentityContext): BusContext => ({
  requestId: ctx.requestId,
  userId: ctx.holder.userId,
  ...(ctx.holder.projectId !== null && { projectId: ctx.holder.projectId }),
  roles: [...ctx.holder.roles],
  isAdmin: ctx.holder.isAdmin,
});

function authorize(ctx: IdentityContext, policy: PolicyName, targetProjectId?: string): void {
  if (!allowed(ctx.holder, policy, targetProjectId)) throw forbidden(policy);
}

/** Keystone's "admin or owner" rules: the user itself passes, anyone else needs the policy. */
function authorizeSelfOr(ctx: IdentityContext, policy: PolicyName, userId: string): void {
  if (ctx.holder.userId !== userId) authorize(ctx, policy);
}

// ─── tokens ────────────────────────────────────────────────────────────────────────────────

/** The only form in which a token is stored, cached or sent on the bus. */
export const tokenHashOf = (token: string) => createHash("sha256").update(token).digest("hex");

export type LoginRequest = Omit<z.input<typeof authenticateContract.request>, "tokenHash">;

/** A new token for a password login: the token (for X-Subject-Token, once) and its data. */
// 32 random bytes, URL-safe: unguessable, and never stored anywhere but the client.
const newToken = () => randomBytes(32).toString("base64url");

export async function issueToken(
  deps: { bus: Bus; requestId: string },
  login: LoginRequest,
): Promise<{ token: string; data: TokenData }> {
  const token = newToken();
  const data = await deps.bus.call(
    authenticateContract,
    { ...login, tokenHash: tokenHashOf(token) },
    { ctx: { requestId: deps.requestId } },
  );
  return { token, data };
}

export type RescopeTarget = z.input<typeof rescopeTokenContract.request>["project"];

/**
 * Keystone's `token` method: from a valid token, a new one for the same user in another project
 * where the user has a role, expiring with the original (which stays valid). `unauthorized` when
 * the token is not valid or the user has no role there.
 */
export async function rescopeToken(
  deps: { bus: Bus; requestId: string },
  token: string,
  project: RescopeTarget,
): Promise<{ token: string; data: TokenData }> {
  const rescoped = newToken();
  const data = await deps.bus.call(
    rescopeTokenContract,
    { tokenHash: tokenHashOf(token), newTokenHash: tokenHashOf(rescoped), project },
    { ctx: { requestId: deps.requestId } },
  );
  return { token: rescoped, data };
}

/** What a token stands for; `not_found` (Keystone's 404) when it is not valid. */
async function subjectData(ctx: IdentityContext, subject: string): Promise<TokenData> {
  try {
    return await ctx.bus.call(
      validateTokenContract,
      { tokenHash: tokenHashOf(subject) },
      { ctx: busCtx(ctx) },
    );
  } catch (err) {
    if (isRpcError(err, "unauthorized")) throw new RpcError("not_found", "Could not find token.");
    throw err;
  }
}

/** What another token (X-Subject-Token) stands for: its own user, or an admin, may ask. */
export async function validateSubject(ctx: IdentityContext, subject: string): Promise<TokenData> {
  const data = await subjectData(ctx, subject);
  authorizeSelfOr(ctx, "identity:validate_token", data.user.id);
  return data;
}

/** Revoke a token (the caller's own, or another's): its own user, or an admin, may. */
export async function revokeSubject(ctx: IdentityContext, subject: string): Promise<void> {
  const data = await subjectData(ctx, subject);
  authorizeSelfOr(ctx, "identity:revoke_token", data.user.id);
  await ctx.bus.call(
    revokeTokenContract,
    { tokenHash: tokenHashOf(subject) },
    { ctx: busCtx(ctx) },
  );
  ctx.log.info({ auditId: data.auditId, userId: data.user.id }, "token revoked");
}

/** The projects the caller's user may scope a token to (enabled ones, with a role there). */
export async function myProjects(ctx: IdentityContext): Promise<Project[]> {
  authorize(ctx, "identity:get_auth_projects");
  const { projects } = await ctx.bus.call(
    listProjectsContract,
    { userId: ctx.holder.userId, enabled: true },
    { ctx: busCtx(ctx) },
  );
  return projects;
}

// ─── projects ──────────────────────────────────────────────────────────────────────────────

export type ProjectFilter = z.input<typeof listProjectsContract.request>;

export async function listProjects(ctx: IdentityContext, filter: ProjectFilter) {
  authorize(ctx, "identity:list_projects");
  return (await ctx.bus.call(listProjectsContract, filter, { ctx: busCtx(ctx) })).projects;
}

/** A project its members may see (Keystone: a token scoped to it), any project for an admin. */
export async function getProject(ctx: IdentityContext, id: string): Promise<Project> {
  // Not the caller's project: look it up first, so an unknown id is 404 before any 403.
  if (!allowed(ctx.holder, "identity:get_project", id)) {
    const project = await ctx.bus.call(getProjectContract, { id }, { ctx: busCtx(ctx) });
    authorize(ctx, "identity:get_project", project.id);
    return project;
  }
  return ctx.bus.call(getProjectContract, { id }, { ctx: busCtx(ctx) });
}

export async function createProject(
  ctx: IdentityContext,
  input: z.input<typeof createProjectContract.request>,
) {
  authorize(ctx, "identity:create_project");
  const project = await ctx.bus.call(createProjectContract, input, { ctx: busCtx(ctx) });
  ctx.log.info({ projectId: project.id, name: project.name }, "project created");
  return project;
}

export async function updateProject(
  ctx: IdentityContext,
  input: z.input<typeof updateProjectContract.request>,
) {
  authorize(ctx, "identity:update_project");
  return ctx.bus.call(updateProjectContract, input, { ctx: busCtx(ctx) });
}

export async function deleteProject(ctx: IdentityContext, id: string) {
  authorize(ctx, "identity:delete_project");
  await ctx.bus.call(deleteProjectContract, { id }, { ctx: busCtx(ctx) });
  ctx.log.info({ projectId: id }, "project deleted");
}

// ─── users ─────────────────────────────────────────────────────────────────────────────────

export async function listUsers(
  ctx: IdentityContext,
  filter: z.input<typeof listUsersContract.request>,
): Promise<User[]> {
  authorize(ctx, "identity:list_users");
  return (await ctx.bus.call(listUsersContract, filter, { ctx: busCtx(ctx) })).users;
}

export async function getUser(ctx: IdentityContext, id: string): Promise<User> {
  authorizeSelfOr(ctx, "identity:get_user", id);
  return ctx.bus.call(getUserContract, { id }, { ctx: busCtx(ctx) });
}

export async function createUser(
  ctx: IdentityContext,
  input: z.input<typeof createUserContract.request>,
): Promise<User> {
  authorize(ctx, "identity:create_user");
  const user = await ctx.bus.call(createUserContract, input, { ctx: busCtx(ctx) });
  ctx.log.info({ userId: user.id, name: user.name }, "user created");
  return user;
}

export async function updateUser(
  ctx: IdentityContext,
  input: z.input<typeof updateUserContract.request>,
): Promise<User> {
  authorize(ctx, "identity:update_user");
  return ctx.bus.call(updateUserContract, input, { ctx: busCtx(ctx) });
}

export async function deleteUser(ctx: IdentityContext, id: string): Promise<void> {
  authorize(ctx, "identity:delete_user");
  await ctx.bus.call(deleteUserContract, { id }, { ctx: busCtx(ctx) });
  ctx.log.info({ userId: id }, "user deleted");
}

/** GET /v3/users/{id}/projects: the user itself, or an admin. */
export async function userProjects(ctx: IdentityContext, userId: string): Promise<Project[]> {
  authorizeSelfOr(ctx, "identity:list_user_projects", userId);
  await ctx.bus.call(getUserContract, { id: userId }, { ctx: busCtx(ctx) });
  const { projects } = await ctx.bus.call(listProjectsContract, { userId }, { ctx: busCtx(ctx) });
  return projects;
}

// ─── roles and assignments ─────────────────────────────────────────────────────────────────

export async function listRoles(ctx: IdentityContext, name?: string): Promise<Role[]> {
  authorize(ctx, "identity:list_roles");
  const filter = name === undefined ? {} : { name };
  return (await ctx.bus.call(listRolesContract, filter, { ctx: busCtx(ctx) })).roles;
}

export async function getRole(ctx: IdentityContext, id: string): Promise<Role> {
  authorize(ctx, "identity:get_role");
  return ctx.bus.call(getRoleContract, { id }, { ctx: busCtx(ctx) });
}

export async function createRole(ctx: IdentityContext, name: string): Promise<Role> {
  authorize(ctx, "identity:create_role");
  const role = await ctx.bus.call(createRoleContract, { name }, { ctx: busCtx(ctx) });
  ctx.log.info({ roleId: role.id, name }, "role created");
  return role;
}

export async function deleteRole(ctx: IdentityContext, id: string): Promise<void> {
  authorize(ctx, "identity:delete_role");
  await ctx.bus.call(deleteRoleContract, { id }, { ctx: busCtx(ctx) });
  ctx.log.info({ roleId: id }, "role deleted");
}

export interface Assignment {
  projectId: string;
  userId: string;
  roleId: string;
}

export async function grantRole(ctx: IdentityContext, a: Assignment): Promise<void> {
  authorize(ctx, "identity:create_grant");
  await ctx.bus.call(grantRoleContract, a, { ctx: busCtx(ctx) });
  ctx.log.info(a, "role granted");
}

export async function revokeRole(ctx: IdentityContext, a: Assignment): Promise<void> {
  authorize(ctx, "identity:revoke_grant");
  await ctx.bus.call(revokeRoleContract, a, { ctx: busCtx(ctx) });
  ctx.log.info(a, "role revoked");
}

export async function checkRole(ctx: IdentityContext, a: Assignment): Promise<void> {
  authorize(ctx, "identity:check_grant");
  await ctx.bus.call(checkRoleContract, a, { ctx: busCtx(ctx) });
}

/** The roles of a user on a project (GET /v3/projects/{p}/users/{u}/roles). */
export async function rolesOf(
  ctx: IdentityContext,
  projectId: string,
  userId: string,
): Promise<Role[]> {
  authorize(ctx, "identity:list_grants");
  // Unknown ids are 404s, not empty lists.
  await Promise.all([
    ctx.bus.call(getProjectContract, { id: projectId }, { ctx: busCtx(ctx) }),
    ctx.bus.call(getUserContract, { id: userId }, { ctx: busCtx(ctx) }),
  ]);
  const { assignments } = await ctx.bus.call(
    listRoleAssignmentsContract,
    { projectId, userId },
    { ctx: busCtx(ctx) },
  );
  return assignments.map((a) => a.role);
}

export async function listRoleAssignments(
  ctx: IdentityContext,
  filter: z.input<typeof listRoleAssignmentsContract.request>,
): Promise<RoleAssignment[]> {
  authorize(ctx, "identity:list_role_assignments");
  return (await ctx.bus.call(listRoleAssignmentsContract, filter, { ctx: busCtx(ctx) }))
    .assignments;
}
