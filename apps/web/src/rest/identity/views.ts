// Keystone's response shapes (keystone/common/render_token.py and the resource view builders):
// tokens, the service catalog, projects, users, roles, domains and role assignments.
import { createHash } from "node:crypto";
import {
  DEFAULT_DOMAIN,
  type Project,
  type Role,
  type RoleAssignment,
  type TokenData,
  type User,
} from "@nimbus/rpc";
import { serviceRoot } from "../links";

/** Keystone's timestamps: microseconds and a Z ("2026-11-21T08:00:00.000000Z"). */
export const keystoneTime = (iso: string) => new Date(iso).toISOString().replace(/Z$/, "000Z");

export const REGION = "RegionOne";

/** The services and their devstack paths; clients discover versions below each URL. */
const SERVICES = [
  { type: "compute", name: "nova", path: (base: string) => `${serviceRoot(base, "compute")}/v2.1` },
  { type: "identity", name: "keystone", path: (base: string) => serviceRoot(base, "identity") },
  { type: "image", name: "glance", path: (base: string) => serviceRoot(base, "image") },
] as const;

/** Stable ids, so a catalog is the same from one token to the next. */
const catalogId = (...parts: string[]) =>
  createHash("sha256").update(parts.join("/")).digest("hex").slice(0, 32);

/**
 * The catalog every scoped token carries. One origin serves every API, so the public, internal
 * and admin endpoints share a URL (keystoneauth and openstacksdk may ask for any of the three).
 */
export function catalogView(base: string) {
  return SERVICES.map((s) => ({
    id: catalogId(s.type),
    type: s.type,
    name: s.name,
    endpoints: (["public", "internal", "admin"] as const).map((iface) => ({
      id: catalogId(s.type, iface),
      interface: iface,
      region: REGION,
      region_id: REGION,
      url: s.path(base),
    })),
  }));
}

const domainOf = (id: string) => ({
  id,
  name: id === DEFAULT_DOMAIN.id ? DEFAULT_DOMAIN.name : id,
});

/** `{"token": …}`; the catalog goes to scoped tokens unless `nocatalog` was asked. */
export function tokenView(data: TokenData, base: string, withCatalog: boolean) {
  const roles = data.roles.map((r) => ({ id: r.id, name: r.name }));
  const token: Record<string, unknown> = {
    methods: data.methods,
    user: {
      domain: domainOf(data.user.domainId),
      id: data.user.id,
      name: data.user.name,
      password_expires_at: null,
    },
    audit_ids: [data.auditId],
    expires_at: keystoneTime(data.expiresAt),
    issued_at: keystoneTime(data.issuedAt),
  };
  if (data.project) {
    token.project = {
      domain: domainOf(data.project.domainId),
      id: data.project.id,
      name: data.project.name,
    };
    token.is_domain = false;
    token.roles = roles;
  } else if (data.domain) {
    token.domain = { id: data.domain.id, name: data.domain.name };
    token.roles = roles;
  }
  if (withCatalog && (data.project || data.domain)) token.catalog = catalogView(base);
  return { token };
}

const v3 = (base: string) => `${serviceRoot(base, "identity")}/v3`;

/** A collection's `links` (Keystone does not page: previous and next are always null). */
export function listLinks(base: string, path: string, search = "") {
  return { self: `${v3(base)}${path}${search}`, previous: null, next: null };
}

export function projectView(p: Project, base: string) {
  return {
    id: p.id,
    name: p.name,
    domain_id: p.domainId,
    description: p.description ?? "",
    enabled: p.enabled,
    // Projects sit directly under their domain: there is no hierarchy here.
    parent_id: p.domainId,
    is_domain: false,
    tags: [],
    options: {},
    links: { self: `${v3(base)}/projects/${p.id}` },
  };
}

export function userView(u: User, base: string) {
  return {
    id: u.id,
    name: u.name,
    domain_id: u.domainId,
    enabled: u.enabled,
    ...(u.defaultProjectId !== null && { default_project_id: u.defaultProjectId }),
    ...(u.email !== null && { email: u.email }),
    password_expires_at: null,
    options: {},
    links: { self: `${v3(base)}/users/${u.id}` },
  };
}

export function roleView(r: Role, base: string) {
  return {
    id: r.id,
    name: r.name,
    domain_id: null,
    description: null,
    options: {},
    links: { self: `${v3(base)}/roles/${r.id}` },
  };
}

export function domainView(base: string) {
  return {
    id: DEFAULT_DOMAIN.id,
    name: DEFAULT_DOMAIN.name,
    description: "The default domain",
    enabled: true,
    tags: [],
    options: {},
    links: { self: `${v3(base)}/domains/${DEFAULT_DOMAIN.id}` },
  };
}

/** One entry of GET /v3/role_assignments; names only with `include_names`. */
export function assignmentView(a: RoleAssignment, base: string, withNames: boolean) {
  const named = (x: { id: string; name: string; domainId: string }) =>
    withNames ? { id: x.id, name: x.name, domain: domainOf(x.domainId) } : { id: x.id };
  return {
    role: withNames ? { id: a.role.id, name: a.role.name } : { id: a.role.id },
    user: named(a.user),
    scope: { project: named(a.project) },
    links: {
      assignment: `${v3(base)}/projects/${a.project.id}/users/${a.user.id}/roles/${a.role.id}`,
    },
  };
}
