// Keystone's rules the identity handlers share: the one domain, implied roles, what a token's
// scope grants, and the answer every failed authentication gets.
import { randomBytes } from "node:crypto";
import { hash } from "@node-rs/argon2";
import {
  DEFAULT_DOMAIN,
  RpcError,
  type DomainRef,
  type Project,
  type Role,
  type TokenData,
  type User,
} from "@nimbus/rpc";
import type { Sql } from "./repositories/db";
import { holdsRoleAnywhere, rolesNamed, rolesOn } from "./repositories/identity";

/** The same answer whatever failed, so a caller cannot tell a wrong password from a missing user. */
export const authFailed = () =>
  new RpcError("unauthorized", "The request you have made requires authentication.");

/** The id of the domain a reference names, or null if it names none (there is only Default). */
export function domainIdOf(ref: DomainRef): string | null {
  if ("id" in ref) return ref.id === DEFAULT_DOMAIN.id ? DEFAULT_DOMAIN.id : null;
  return ref.name === DEFAULT_DOMAIN.name ? DEFAULT_DOMAIN.id : null;
}

/** Keystone's default implied roles (keystone-manage bootstrap): admin ⇒ member ⇒ reader. */
const IMPLIES: Record<string, string[]> = { admin: ["member"], member: ["reader"] };

/** The roles with every role they imply, as Keystone lists them in a token. */
export async function withImplied(db: Sql, roles: Role[]): Promise<Role[]> {
  const have = new Set(roles.map((r) => r.name));
  const wanted = new Set<string>();
  const visit = (name: string) => {
    for (const implied of IMPLIES[name] ?? []) {
      if (!have.has(implied)) wanted.add(implied);
      visit(implied);
    }
  };
  for (const r of roles) visit(r.name);
  const extra = await rolesNamed(db, [...wanted]);
  return [...roles, ...extra].sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * The roles a scope grants a user, or null when it grants none (no token for it). A project
 * scope needs a role on the enabled project. There are no domain role assignments here: a
 * domain-scoped token goes to the cloud admin (the admin role on some project) and carries admin.
 */
export async function scopeRoles(
  db: Sql,
  user: User,
  scope: { project: Project } | { domainId: string } | null,
): Promise<Role[] | null> {
  if (scope === null) return [];
  if ("project" in scope) {
    if (!scope.project.enabled) return null;
    const roles = await rolesOn(db, user.id, scope.project.id);
    return roles.length > 0 ? withImplied(db, roles) : null;
  }
  if (!(await holdsRoleAnywhere(db, user.id, "admin"))) return null;
  return withImplied(db, await rolesNamed(db, ["admin"]));
}

export function tokenData(args: {
  user: User;
  project: Project | null;
  domainId: string | null;
  roles: Role[];
  methods: string[];
  auditId: string;
  issuedAt: Date;
  expiresAt: Date;
}): TokenData {
  const { user, project } = args;
  return {
    user: { id: user.id, name: user.name, domainId: user.domainId },
    project: project && { id: project.id, name: project.name, domainId: project.domainId },
    domain: args.domainId === null ? null : { id: args.domainId, name: DEFAULT_DOMAIN.name },
    roles: args.roles,
    methods: args.methods,
    auditId: args.auditId,
    issuedAt: args.issuedAt.toISOString(),
    expiresAt: args.expiresAt.toISOString(),
  };
}

let dummy: Promise<string> | undefined;

/**
 * A hash of nothing anyone knows, verified against when the user does not exist, so a failed
 * login costs the same time either way.
 */
export function dummyHash(): Promise<string> {
  dummy ??= hash(randomBytes(16).toString("hex"));
  return dummy;
}
