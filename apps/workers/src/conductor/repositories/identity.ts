// Identity: projects, users, roles, role assignments and tokens (Keystone's tables). Plain models
// out; password hashes leave this module only through `findLoginUser`, for the password check.
// On the driver's pool like every repository, so the conductor never loads Prisma's client.
import { randomBytes } from "node:crypto";
import type { Project, Role, RoleAssignment, User } from "@nimbus/rpc";
import { inList, isUniqueViolation, Prisma, type Sql } from "./db";

/** Keystone ids: 32 lowercase hex characters. */
export const newKeystoneId = () => randomBytes(16).toString("hex");

/** Keystone's audit ids: 16 random bytes, URL-safe base64 without padding (22 characters). */
export const newAuditId = () => randomBytes(16).toString("base64url");

/** A project or user named by id, or by name within a domain. */
export type Ref = { id: string } | { name: string; domainId: string };

const whereRef = (ref: Ref) =>
  "id" in ref
    ? Prisma.sql`id = ${ref.id}`
    : Prisma.sql`domain_id = ${ref.domainId} AND name = ${ref.name}`;

/** `WHERE a AND b …` of the conditions given, nothing when there are none. */
const whereAll = (conditions: Prisma.Sql[]) =>
  conditions.length === 0 ? Prisma.empty : Prisma.sql`WHERE ${Prisma.join(conditions, " AND ")}`;

/** `column = value` for each filter given (undefined ones filter nothing). */
function equalities<K extends string>(
  columns: Record<K, Prisma.Sql>,
  values: Partial<Record<NoInfer<K>, unknown>>,
): Prisma.Sql[] {
  return (Object.keys(columns) as K[])
    .filter((k) => values[k] !== undefined)
    .map((k) => Prisma.sql`${columns[k]} = ${values[k]}`);
}

/** Run a write; a duplicate name becomes null (the caller answers `conflict`). */
async function unlessDuplicate<T>(write: () => Promise<T>): Promise<T | null> {
  try {
    return await write();
  } catch (err) {
    if (isUniqueViolation(err)) return null;
    throw err;
  }
}

/** Set `changes` (undefined ones stay) and updated_at on row `id` of `table`. */
async function updateRow<K extends string>(
  sql: Sql,
  table: Prisma.Sql,
  id: string,
  columns: Record<K, Prisma.Sql>,
  changes: Partial<Record<K, unknown>>,
): Promise<"duplicate" | undefined> {
  const set = [...equalities(columns, changes), Prisma.sql`updated_at = CURRENT_TIMESTAMP(3)`];
  const done = await unlessDuplicate(
    () => sql.$executeRaw`UPDATE ${table} SET ${Prisma.join(set)} WHERE id = ${id}`,
  );
  return done === null ? "duplicate" : undefined;
}

// ─── projects ──────────────────────────────────────────────────────────────────────────────

interface ProjectRow {
  id: string;
  name: string;
  domain_id: string;
  description: string | null;
  enabled: number | boolean;
}

const PROJECT_COLUMNS = Prisma.sql`p.id, p.name, p.domain_id, p.description, p.enabled`;

const toProject = (p: ProjectRow): Project => ({
  id: p.id,
  name: p.name,
  domainId: p.domain_id,
  description: p.description,
  enabled: Boolean(p.enabled),
});

const PROJECT_FILTERS = {
  name: Prisma.sql`p.name`,
  domainId: Prisma.sql`p.domain_id`,
  enabled: Prisma.sql`p.enabled`,
};

export async function findProject(sql: Sql, ref: Ref): Promise<Project | null> {
  const [row] = await sql.$queryRaw<ProjectRow[]>`
    SELECT ${PROJECT_COLUMNS} FROM projects p WHERE ${whereRef(ref)} LIMIT 1`;
  return row ? toProject(row) : null;
}

export async function listProjects(
  sql: Sql,
  filter: { name?: string; domainId?: string; enabled?: boolean; userId?: string },
): Promise<Project[]> {
  const conditions = equalities(PROJECT_FILTERS, filter);
  if (filter.userId !== undefined) {
    conditions.push(Prisma.sql`EXISTS (SELECT 1 FROM role_assignments a
      WHERE a.project_id = p.id AND a.user_id = ${filter.userId})`);
  }
  const rows = await sql.$queryRaw<ProjectRow[]>`
    SELECT ${PROJECT_COLUMNS} FROM projects p ${whereAll(conditions)} ORDER BY p.name`;
  return rows.map(toProject);
}

export async function createProject(
  sql: Sql,
  data: { name: string; domainId: string; description: string | null; enabled: boolean },
): Promise<Project | null> {
  const project = { id: newKeystoneId(), ...data };
  return unlessDuplicate(async () => {
    await sql.$executeRaw`
      INSERT INTO projects (id, domain_id, name, description, enabled, updated_at)
      VALUES (${project.id}, ${data.domainId}, ${data.name}, ${data.description}, ${data.enabled},
              CURRENT_TIMESTAMP(3))`;
    return project;
  });
}

/** null when the project is gone; "duplicate" when the new name is taken. */
export async function updateProject(
  sql: Sql,
  id: string,
  changes: { name?: string; description?: string | null; enabled?: boolean },
): Promise<Project | null | "duplicate"> {
  const columns = {
    name: Prisma.sql`name`,
    description: Prisma.sql`description`,
    enabled: Prisma.sql`enabled`,
  };
  // Read back rather than trust affected rows, which leave out a row whose values did not change.
  if ((await updateRow(sql, Prisma.sql`projects`, id, columns, changes)) === "duplicate") {
    return "duplicate";
  }
  return findProject(sql, { id });
}

export async function deleteProject(sql: Sql, id: string): Promise<boolean> {
  return (await sql.$executeRaw`DELETE FROM projects WHERE id = ${id}`) > 0;
}

// ─── users ─────────────────────────────────────────────────────────────────────────────────

interface UserRow {
  id: string;
  name: string;
  domain_id: string;
  enabled: number | boolean;
  default_project_id: string | null;
  email: string | null;
}

const USER_COLUMNS = Prisma.sql`u.id, u.name, u.domain_id, u.enabled, u.default_project_id, u.email`;

const toUser = (u: UserRow): User => ({
  id: u.id,
  name: u.name,
  domainId: u.domain_id,
  enabled: Boolean(u.enabled),
  defaultProjectId: u.default_project_id,
  email: u.email,
});

export interface LoginUser extends User {
  passwordHash: string | null;
}

export async function findLoginUser(sql: Sql, ref: Ref): Promise<LoginUser | null> {
  const [row] = await sql.$queryRaw<(UserRow & { password_hash: string | null })[]>`
    SELECT ${USER_COLUMNS}, u.password_hash FROM users u WHERE ${whereRef(ref)} LIMIT 1`;
  return row ? { ...toUser(row), passwordHash: row.password_hash } : null;
}

export async function getUser(sql: Sql, id: string): Promise<User | null> {
  const [row] = await sql.$queryRaw<
    UserRow[]
  >`SELECT ${USER_COLUMNS} FROM users u WHERE id = ${id}`;
  return row ? toUser(row) : null;
}

export async function listUsers(
  sql: Sql,
  filter: { name?: string; domainId?: string; enabled?: boolean },
): Promise<User[]> {
  const conditions = equalities(
    { name: Prisma.sql`u.name`, domainId: Prisma.sql`u.domain_id`, enabled: Prisma.sql`u.enabled` },
    filter,
  );
  const rows = await sql.$queryRaw<UserRow[]>`
    SELECT ${USER_COLUMNS} FROM users u ${whereAll(conditions)} ORDER BY u.name`;
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

export async function createUser(sql: Sql, data: UserData): Promise<User | null> {
  const { passwordHash, ...user } = { id: newKeystoneId(), ...data };
  return unlessDuplicate(async () => {
    await sql.$executeRaw`
      INSERT INTO users (id, domain_id, name, password_hash, enabled, default_project_id, email,
                         updated_at)
      VALUES (${user.id}, ${user.domainId}, ${user.name}, ${passwordHash}, ${user.enabled},
              ${user.defaultProjectId}, ${user.email}, CURRENT_TIMESTAMP(3))`;
    return user;
  });
}

const USER_CHANGES = {
  name: Prisma.sql`name`,
  passwordHash: Prisma.sql`password_hash`,
  enabled: Prisma.sql`enabled`,
  defaultProjectId: Prisma.sql`default_project_id`,
  email: Prisma.sql`email`,
};

/** null when the user is gone; "duplicate" when the new name is taken. */
export async function updateUser(
  sql: Sql,
  id: string,
  changes: Partial<Omit<UserData, "domainId">>,
): Promise<User | null | "duplicate"> {
  if ((await updateRow(sql, Prisma.sql`users`, id, USER_CHANGES, changes)) === "duplicate") {
    return "duplicate";
  }
  return getUser(sql, id);
}

export async function deleteUser(sql: Sql, id: string): Promise<boolean> {
  return (await sql.$executeRaw`DELETE FROM users WHERE id = ${id}`) > 0;
}

// ─── roles and assignments ─────────────────────────────────────────────────────────────────

interface RoleRow {
  id: string;
  name: string;
}

const toRole = (r: RoleRow): Role => ({ id: r.id, name: r.name });

export async function listRoles(sql: Sql, filter: { name?: string } = {}): Promise<Role[]> {
  const conditions = equalities({ name: Prisma.sql`name` }, filter);
  const rows = await sql.$queryRaw<RoleRow[]>`
    SELECT id, name FROM roles ${whereAll(conditions)} ORDER BY name`;
  return rows.map(toRole);
}

export async function getRole(sql: Sql, id: string): Promise<Role | null> {
  const [row] = await sql.$queryRaw<RoleRow[]>`SELECT id, name FROM roles WHERE id = ${id}`;
  return row ? toRole(row) : null;
}

export async function createRole(sql: Sql, name: string): Promise<Role | null> {
  const role = { id: newKeystoneId(), name };
  return unlessDuplicate(async () => {
    await sql.$executeRaw`INSERT INTO roles (id, name) VALUES (${role.id}, ${name})`;
    return role;
  });
}

export async function deleteRole(sql: Sql, id: string): Promise<boolean> {
  return (await sql.$executeRaw`DELETE FROM roles WHERE id = ${id}`) > 0;
}

export interface AssignmentKey {
  userId: string;
  projectId: string;
  roleId: string;
}

const isAssignment = (key: AssignmentKey) =>
  Prisma.sql`user_id = ${key.userId} AND project_id = ${key.projectId} AND role_id = ${key.roleId}`;

/** Idempotent: granting an existing assignment again is not an error. */
export async function grantRole(sql: Sql, key: AssignmentKey): Promise<void> {
  await sql.$executeRaw`
    INSERT INTO role_assignments (user_id, project_id, role_id)
    VALUES (${key.userId}, ${key.projectId}, ${key.roleId})
    ON DUPLICATE KEY UPDATE user_id = user_id`;
}

export async function revokeRole(sql: Sql, key: AssignmentKey): Promise<boolean> {
  return (await sql.$executeRaw`DELETE FROM role_assignments WHERE ${isAssignment(key)}`) > 0;
}

export async function hasAssignment(sql: Sql, key: AssignmentKey): Promise<boolean> {
  const rows = await sql.$queryRaw<unknown[]>`
    SELECT 1 FROM role_assignments WHERE ${isAssignment(key)}`;
  return rows.length > 0;
}

export async function listAssignments(
  sql: Sql,
  filter: { userId?: string; projectId?: string; roleId?: string },
): Promise<RoleAssignment[]> {
  const conditions = equalities(
    {
      userId: Prisma.sql`a.user_id`,
      projectId: Prisma.sql`a.project_id`,
      roleId: Prisma.sql`a.role_id`,
    },
    filter,
  );
  const rows = await sql.$queryRaw<
    {
      user_id: string;
      user_name: string;
      user_domain_id: string;
      project_id: string;
      project_name: string;
      project_domain_id: string;
      role_id: string;
      role_name: string;
    }[]
  >`
    SELECT a.user_id, u.name AS user_name, u.domain_id AS user_domain_id,
           a.project_id, p.name AS project_name, p.domain_id AS project_domain_id,
           a.role_id, r.name AS role_name
      FROM role_assignments a
      JOIN users u ON u.id = a.user_id
      JOIN projects p ON p.id = a.project_id
      JOIN roles r ON r.id = a.role_id
      ${whereAll(conditions)}
     ORDER BY a.user_id, a.project_id, a.role_id`;
  return rows.map((a) => ({
    user: { id: a.user_id, name: a.user_name, domainId: a.user_domain_id },
    project: { id: a.project_id, name: a.project_name, domainId: a.project_domain_id },
    role: { id: a.role_id, name: a.role_name },
  }));
}

/** The roles a user holds on a project (as assigned; see identity.ts for the implied ones). */
export async function rolesOn(sql: Sql, userId: string, projectId: string): Promise<Role[]> {
  const rows = await sql.$queryRaw<RoleRow[]>`
    SELECT r.id, r.name FROM role_assignments a JOIN roles r ON r.id = a.role_id
     WHERE a.user_id = ${userId} AND a.project_id = ${projectId}`;
  return rows.map(toRole);
}

/** Whether the user holds a role of this name on any project. */
export async function holdsRoleAnywhere(sql: Sql, userId: string, name: string): Promise<boolean> {
  const rows = await sql.$queryRaw<unknown[]>`
    SELECT 1 FROM role_assignments a JOIN roles r ON r.id = a.role_id
     WHERE a.user_id = ${userId} AND r.name = ${name} LIMIT 1`;
  return rows.length > 0;
}

export async function rolesNamed(sql: Sql, names: string[]): Promise<Role[]> {
  if (names.length === 0) return [];
  const rows = await sql.$queryRaw<RoleRow[]>`
    SELECT id, name FROM roles WHERE name IN (${inList(names)})`;
  return rows.map(toRole);
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

export async function insertToken(sql: Sql, token: TokenRecord): Promise<void> {
  await sql.$executeRaw`
    INSERT INTO identity_tokens
      (token_hash, user_id, project_id, domain_id, methods, issued_at, expires_at, audit_id)
    VALUES (${token.tokenHash}, ${token.userId}, ${token.projectId}, ${token.domainId},
            ${JSON.stringify(token.methods)}, ${token.issuedAt}, ${token.expiresAt},
            ${token.auditId})`;
}

type TokenRow = UserRow & {
  token_hash: string;
  project_id: string | null;
  token_domain_id: string | null;
  methods: unknown;
  issued_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
  audit_id: string;
  // the project's columns: read only when project_id is set (its foreign key keeps them there)
  project_name: string;
  project_domain_id: string;
  project_description: string | null;
  project_enabled: number | boolean;
};

/** A token with its user and project as they are now, or null if there is no such token. */
export async function findToken(sql: Sql, tokenHash: string) {
  // One round trip: every API request validates its token.
  const [row] = await sql.$queryRaw<TokenRow[]>`
    SELECT t.token_hash, t.project_id, t.domain_id AS token_domain_id, t.methods, t.issued_at,
           t.expires_at, t.revoked_at, t.audit_id, ${USER_COLUMNS},
           p.name AS project_name, p.domain_id AS project_domain_id,
           p.description AS project_description, p.enabled AS project_enabled
      FROM identity_tokens t
      JOIN users u ON u.id = t.user_id
      LEFT JOIN projects p ON p.id = t.project_id
     WHERE t.token_hash = ${tokenHash}`;
  if (!row) return null;
  return {
    token: {
      tokenHash: row.token_hash,
      userId: row.id,
      projectId: row.project_id,
      domainId: row.token_domain_id,
      methods: Array.isArray(row.methods) ? row.methods.map(String) : [],
      issuedAt: row.issued_at,
      expiresAt: row.expires_at,
      revokedAt: row.revoked_at,
      auditId: row.audit_id,
    },
    user: toUser(row),
    project:
      row.project_id === null
        ? null
        : toProject({
            id: row.project_id,
            name: row.project_name,
            domain_id: row.project_domain_id,
            description: row.project_description,
            enabled: row.project_enabled,
          }),
  };
}

/** Revoke one live token; its audit id, or null if it was not live. */
export async function revokeToken(sql: Sql, tokenHash: string, now: Date): Promise<string | null> {
  const revoked = await sql.$executeRaw`
    UPDATE identity_tokens SET revoked_at = ${now}
     WHERE token_hash = ${tokenHash} AND revoked_at IS NULL AND expires_at > ${now}`;
  if (revoked === 0) return null;
  const [row] = await sql.$queryRaw<{ audit_id: string }[]>`
    SELECT audit_id FROM identity_tokens WHERE token_hash = ${tokenHash}`;
  return row?.audit_id ?? null;
}

/** Revoke every live token of a user (a new password, a disabled account). */
export async function revokeUserTokens(sql: Sql, userId: string, now: Date): Promise<number> {
  return sql.$executeRaw`
    UPDATE identity_tokens SET revoked_at = ${now}
     WHERE user_id = ${userId} AND revoked_at IS NULL AND expires_at > ${now}`;
}

/** Delete tokens that expired before `before` (revoked ones go with them). */
export async function purgeTokens(sql: Sql, before: Date): Promise<number> {
  return sql.$executeRaw`DELETE FROM identity_tokens WHERE expires_at < ${before}`;
}
