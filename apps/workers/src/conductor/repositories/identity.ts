// Identity: projects, users, roles, role assignments and tokens (Keystone's tables). Plain models
// out; password hashes leave this module only through `findLoginUser`, for the password check.
import { randomBytes } from "node:crypto";
import type { Project, Role, RoleAssignment, User } from "@nimbus/rpc";
import { isUniqueViolation, Prisma, type Db } from "./db";

/** This repository's model queries run on Prisma's typed client (or a transaction of it). */
export type IdentityDb = Db | Prisma.TransactionClient;
type Sql = IdentityDb;

/** Keystone ids: 32 lowercase hex characters. */
export const newKeystoneId = () => randomBytes(16).toString("hex");

/** Keystone's audit ids: 16 random bytes, URL-safe base64 without padding (22 characters). */
export const newAuditId = () => randomBytes(16).toString("base64url");

/** A project or user named by id, or by name within a domain. */
export type Ref = { id: string } | { name: string; domainId: string };

const whereRef = (ref: Ref) =>
  "id" in ref ? { id: ref.id } : { domainId: ref.domainId, name: ref.name };

const toProject = (p: {
  id: string;
  name: string;
  domainId: string;
  description: string | null;
  enabled: boolean;
}): Project => ({
  id: p.id,
  name: p.name,
  domainId: p.domainId,
  description: p.description,
  enabled: p.enabled,
});

const toUser = (u: {
  id: string;
  name: string;
  domainId: string;
  enabled: boolean;
  defaultProjectId: string | null;
  email: string | null;
}): User => ({
  id: u.id,
  name: u.name,
  domainId: u.domainId,
  enabled: u.enabled,
  defaultProjectId: u.defaultProjectId,
  email: u.email,
});

const toRole = (r: { id: string; name: string }): Role => ({ id: r.id, name: r.name });

/** Run a write; a duplicate name becomes null (the caller answers `conflict`). */
async function unlessDuplicate<T>(write: () => Promise<T>): Promise<T | null> {
  try {
    return await write();
  } catch (err) {
    if (isUniqueViolation(err)) return null;
    throw err;
  }
}

/** Prisma's "record to update/delete does not exist". */
const isMissing = (err: unknown) =>
  err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2025";

async function unlessMissing<T>(write: () => Promise<T>): Promise<T | null> {
  try {
    return await write();
  } catch (err) {
    if (isMissing(err)) return null;
    throw err;
  }
}

// ─── projects ──────────────────────────────────────────────────────────────────────────────

export async function findProject(db: Sql, ref: Ref): Promise<Project | null> {
  const row = await db.project.findFirst({ where: whereRef(ref) });
  return row ? toProject(row) : null;
}

export async function listProjects(
  db: Sql,
  filter: { name?: string; domainId?: string; enabled?: boolean; userId?: string },
): Promise<Project[]> {
  const rows = await db.project.findMany({
    where: {
      name: filter.name,
      domainId: filter.domainId,
      enabled: filter.enabled,
      ...(filter.userId !== undefined && {
        roleAssignments: { some: { userId: filter.userId } },
      }),
    },
    orderBy: { name: "asc" },
  });
  return rows.map(toProject);
}

export async function createProject(
  db: Sql,
  data: { name: string; domainId: string; description: string | null; enabled: boolean },
): Promise<Project | null> {
  return unlessDuplicate(async () =>
    toProject(await db.project.create({ data: { id: newKeystoneId(), ...data } })),
  );
}

/** null when the project is gone; "duplicate" when the new name is taken. */
export async function updateProject(
  db: Sql,
  id: string,
  changes: { name?: string; description?: string | null; enabled?: boolean },
): Promise<Project | null | "duplicate"> {
  const updated = await unlessMissing(async () => {
    const row = await unlessDuplicate(() => db.project.update({ where: { id }, data: changes }));
    return row ?? ("duplicate" as const);
  });
  return updated === null || updated === "duplicate" ? updated : toProject(updated);
}

export async function deleteProject(db: Sql, id: string): Promise<boolean> {
  return (await db.project.deleteMany({ where: { id } })).count > 0;
}

// ─── users ─────────────────────────────────────────────────────────────────────────────────

export interface LoginUser extends User {
  passwordHash: string | null;
}

export async function findLoginUser(db: Sql, ref: Ref): Promise<LoginUser | null> {
  const row = await db.user.findFirst({ where: whereRef(ref) });
  return row ? { ...toUser(row), passwordHash: row.passwordHash } : null;
}

export async function getUser(db: Sql, id: string): Promise<User | null> {
  const row = await db.user.findUnique({ where: { id } });
  return row ? toUser(row) : null;
}

export async function listUsers(
  db: Sql,
  filter: { name?: string; domainId?: string; enabled?: boolean },
): Promise<User[]> {
  const rows = await db.user.findMany({ where: filter, orderBy: { name: "asc" } });
  return rows.map(toUser);
}

export interface UserData {
  name: string;
  domainId: string;
  passwordHash: string | null;
  enabled: boolean;
  defaultProjectId: string | null;
  email: string | null;
}

export async function createUser(db: Sql, data: UserData): Promise<User | null> {
  return unlessDuplicate(async () =>
    toUser(await db.user.create({ data: { id: newKeystoneId(), ...data } })),
  );
}

export async function updateUser(
  db: Sql,
  id: string,
  changes: Partial<Omit<UserData, "domainId">>,
): Promise<User | null | "duplicate"> {
  const updated = await unlessMissing(async () => {
    const row = await unlessDuplicate(() => db.user.update({ where: { id }, data: changes }));
    return row ?? ("duplicate" as const);
  });
  return updated === null || updated === "duplicate" ? updated : toUser(updated);
}

export async function deleteUser(db: Sql, id: string): Promise<boolean> {
  return (await db.user.deleteMany({ where: { id } })).count > 0;
}

// ─── roles and assignments ─────────────────────────────────────────────────────────────────

export async function listRoles(db: Sql, filter: { name?: string } = {}): Promise<Role[]> {
  const rows = await db.role.findMany({ where: filter, orderBy: { name: "asc" } });
  return rows.map(toRole);
}

export async function getRole(db: Sql, id: string): Promise<Role | null> {
  const row = await db.role.findUnique({ where: { id } });
  return row ? toRole(row) : null;
}

export async function createRole(db: Sql, name: string): Promise<Role | null> {
  return unlessDuplicate(async () =>
    toRole(await db.role.create({ data: { id: newKeystoneId(), name } })),
  );
}

export async function deleteRole(db: Sql, id: string): Promise<boolean> {
  return (await db.role.deleteMany({ where: { id } })).count > 0;
}

export interface AssignmentKey {
  userId: string;
  projectId: string;
  roleId: string;
}

/** Idempotent: granting an existing assignment again is not an error. */
export async function grantRole(db: Sql, key: AssignmentKey): Promise<void> {
  await db.roleAssignment.upsert({
    where: { userId_projectId_roleId: key },
    create: key,
    update: {},
  });
}

export async function revokeRole(db: Sql, key: AssignmentKey): Promise<boolean> {
  return (await db.roleAssignment.deleteMany({ where: key })).count > 0;
}

export async function hasAssignment(db: Sql, key: AssignmentKey): Promise<boolean> {
  return (await db.roleAssignment.count({ where: key })) > 0;
}

export async function listAssignments(
  db: Sql,
  filter: { userId?: string; projectId?: string; roleId?: string },
): Promise<RoleAssignment[]> {
  const rows = await db.roleAssignment.findMany({
    where: filter,
    include: { user: true, project: true, role: true },
    orderBy: [{ userId: "asc" }, { projectId: "asc" }, { roleId: "asc" }],
  });
  return rows.map((a) => ({
    user: { id: a.user.id, name: a.user.name, domainId: a.user.domainId },
    project: { id: a.project.id, name: a.project.name, domainId: a.project.domainId },
    role: toRole(a.role),
  }));
}

/** The roles a user holds on a project (as assigned; see identity.ts for the implied ones). */
export async function rolesOn(db: Sql, userId: string, projectId: string): Promise<Role[]> {
  const rows = await db.roleAssignment.findMany({
    where: { userId, projectId },
    include: { role: true },
  });
  return rows.map((a) => toRole(a.role));
}

/** Whether the user holds a role of this name on any project. */
export async function holdsRoleAnywhere(db: Sql, userId: string, name: string): Promise<boolean> {
  return (await db.roleAssignment.count({ where: { userId, role: { name } } })) > 0;
}

export async function rolesNamed(db: Sql, names: string[]): Promise<Role[]> {
  if (names.length === 0) return [];
  return (await db.role.findMany({ where: { name: { in: names } } })).map(toRole);
}

// ─── tokens ────────────────────────────────────────────────────────────────────────────────

export interface TokenRecord {
  tokenHash: string;
  userId: string;
  projectId: string | null;
  domainId: string | null;
  methods: string[];
  issuedAt: Date;
  expiresAt: Date;
  auditId: string;
}

export async function insertToken(db: Sql, token: TokenRecord): Promise<void> {
  await db.identityToken.create({ data: token });
}

/** A token with its user and project as they are now, or null if there is no such token. */
export async function findToken(db: Sql, tokenHash: string) {
  const row = await db.identityToken.findUnique({
    where: { tokenHash },
    include: { user: true, project: true },
  });
  if (!row) return null;
  return {
    token: {
      tokenHash: row.tokenHash,
      userId: row.userId,
      projectId: row.projectId,
      domainId: row.domainId,
      methods: Array.isArray(row.methods) ? row.methods.map(String) : [],
      issuedAt: row.issuedAt,
      expiresAt: row.expiresAt,
      revokedAt: row.revokedAt,
      auditId: row.auditId,
    },
    user: toUser(row.user),
    project: row.project ? toProject(row.project) : null,
  };
}

/** Revoke one live token; its audit id, or null if it was not live. */
export async function revokeToken(db: Db, tokenHash: string, now: Date): Promise<string | null> {
  const row = await db.identityToken.findUnique({ where: { tokenHash } });
  if (!row || row.revokedAt || row.expiresAt <= now) return null;
  await db.identityToken.update({ where: { tokenHash }, data: { revokedAt: now } });
  return row.auditId;
}

/** Revoke every live token of a user (a new password, a disabled account). */
export async function revokeUserTokens(db: Sql, userId: string, now: Date): Promise<number> {
  const { count } = await db.identityToken.updateMany({
    where: { userId, revokedAt: null, expiresAt: { gt: now } },
    data: { revokedAt: now },
  });
  return count;
}

/** Delete tokens that expired before `before` (revoked ones go with them). */
export async function purgeTokens(db: Sql, before: Date): Promise<number> {
  const { count } = await db.identityToken.deleteMany({ where: { expiresAt: { lt: before } } });
  return count;
}
