// Keystone for the test clouds: password logins, and projects and users made on demand through
// the identity API (as the admin), so a test can ask for "alice, member of p1" and get a token.
import { randomBytes } from "node:crypto";
import { expect } from "vitest";
import { client, type ApiClient } from "./client";
import type { Stack } from "./stack";

export type Role = "admin" | "member" | "reader";

/** Who a request is made as: the admin, or `user` with `role` (member by default) in `project`. */
export interface Who {
  user?: string;
  project?: string;
  admin?: boolean;
  role?: Role;
}

/** POST /identity/v3/auth/tokens with a password, scoped to a project (all in domain Default). */
export async function login(
  url: string,
  user: string,
  password: string,
  project: string,
): Promise<string> {
  return (await loginUntil(url, user, password, project)).token;
}

/** The same, with the token's expiry (epoch ms). */
async function loginUntil(url: string, user: string, password: string, project: string) {
  const domain = { name: "Default" };
  const res = await fetch(`${url}/identity/v3/auth/tokens?nocatalog`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      auth: {
        identity: { methods: ["password"], password: { user: { name: user, domain, password } } },
        scope: { project: { name: project, domain } },
      },
    }),
  });
  const token = res.headers.get("x-subject-token");
  if (res.status !== 201 || !token) {
    throw new Error(`login of ${user} to ${project}: HTTP ${res.status} ${await res.text()}`);
  }
  const body = (await res.json()) as { token: { expires_at: string } };
  return { token, expiresAt: Date.parse(body.token.expires_at) };
}

export interface Identity {
  /** A token for `who` (one login per user, project and role, again when it is about to expire). */
  token(who: Who): Promise<string>;
  /** The ids of `who`'s user and project (made on first use). */
  ids(who: Who): Promise<{ userId: string; projectId: string }>;
  /** An identity API client (paths relative to /identity/v3) acting as the admin. */
  admin(): Promise<ApiClient>;
}

/** The stack's Keystone: the seeded admin, and everyone else made on first use. */
export function keystoneIdentity(url: string, adminPassword: string): Identity {
  // Every user the harness makes shares this stack's password.
  const password = randomBytes(12).toString("hex");
  const tokens = new Map<string, Promise<{ token: string; expiresAt: number }>>();
  const made = new Map<string, Promise<{ userId: string; projectId: string }>>();

  /** `make()` once per key; a failure is forgotten, so the next call tries again. */
  function once<T>(cache: Map<string, Promise<T>>, key: string, make: () => Promise<T>) {
    let p = cache.get(key);
    if (!p) {
      p = make().catch((err: unknown) => {
        cache.delete(key);
        throw err;
      });
      cache.set(key, p);
    }
    return p;
  }

  /** A cached token, replaced once it has less than 5 s to live (tests may run short TTLs). */
  async function fresh(key: string, make: () => Promise<{ token: string; expiresAt: number }>) {
    const pending = once(tokens, key, make);
    const { token, expiresAt } = await pending;
    if (expiresAt - Date.now() > 5_000) return token;
    if (tokens.get(key) === pending) tokens.delete(key);
    return (await once(tokens, key, make)).token;
  }
  const adminToken = (project = "admin") =>
    fresh(`admin\n${project}`, () => loginUntil(url, "admin", adminPassword, project));
  const admin = async () => client(`${url}/identity/v3`, { "x-auth-token": await adminToken() });

  /** The id of the one `collection` item named `name`, created with `body` when missing. */
  async function findOrCreate(collection: string, name: string, body: () => object) {
    const api = await admin();
    const key = collection.slice(0, -1);
    const listed = await api.get(`/${collection}?name=${encodeURIComponent(name)}`);
    expect(listed.status, JSON.stringify(listed.body)).toBe(200);
    if (listed.body[collection].length > 0) return listed.body[collection][0].id as string;
    const created = await api.post(`/${collection}`, { [key]: body() });
    if (created.status === 409) return findOrCreate(collection, name, body);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body[key].id as string;
  }

  const names = (who: Who) => {
    const user = who.user ?? "demo";
    if (user === "admin") throw new Error("identity: user admin is an admin; say { admin: true }");
    return { user, project: who.project ?? user, role: who.role ?? "member" };
  };

  const ids = (who: Who) => {
    const { user, project, role } = names(who);
    return once(made, `${user}\n${project}\n${role}`, async () => {
      const projectId = await findOrCreate("projects", project, () => ({ name: project }));
      const userId = await findOrCreate("users", user, () => ({
        name: user,
        password,
        default_project_id: projectId,
      }));
      const roleId = await findOrCreate("roles", role, () => ({ name: role }));
      const granted = await (
        await admin()
      ).put(`/projects/${projectId}/users/${userId}/roles/${roleId}`);
      expect(granted.status).toBe(204);
      return { userId, projectId };
    });
  };

  return {
    ids,
    admin,
    token(who) {
      if (who.admin) return adminToken(who.project);
      const { user, project, role } = names(who);
      return fresh(`${user}\n${project}\n${role}`, async () => {
        await ids(who);
        return loginUntil(url, user, password, project);
      });
    },
  };
}

export interface ProjectUser {
  projectId: string;
  projectName: string;
  userId: string;
  userName: string;
  password: string;
  role: Role;
  token: string;
  /** A compute API client acting as this user. */
  compute(microversion?: string): ApiClient;
}

let serial = 0;

/**
 * A user with `role` in a new project (or in `options.project`), made through the identity API as
 * the admin, and a token for that user. Names are unique within the test run.
 */
export async function createProjectUser(
  stack: Stack,
  options: {
    role?: Role;
    name?: string;
    project?: Pick<ProjectUser, "projectId" | "projectName">;
  } = {},
): Promise<ProjectUser> {
  const role = options.role ?? "member";
  const name = options.name ?? `${role}-${process.pid}-${++serial}`;
  const api = await stack.identityAdmin();
  const password = randomBytes(12).toString("hex");
  let project = options.project;
  if (!project) {
    const created = await api.post("/projects", { project: { name: `project-${name}` } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    project = { projectId: created.body.project.id, projectName: `project-${name}` };
  }
  const user = await api.post("/users", {
    user: { name: `user-${name}`, password, default_project_id: project.projectId },
  });
  expect(user.status, JSON.stringify(user.body)).toBe(201);
  const roles = await api.get(`/roles?name=${role}`);
  expect(roles.body.roles).toHaveLength(1);
  const grant = await api.put(
    `/projects/${project.projectId}/users/${user.body.user.id}/roles/${roles.body.roles[0].id}`,
  );
  expect(grant.status).toBe(204);
  const token = await stack.login(`user-${name}`, password, project.projectName);
  return {
    ...project,
    userId: user.body.user.id,
    userName: `user-${name}`,
    password,
    role,
    token,
    compute: (microversion = "2.100") =>
      client(stack.computeUrl, {
        "x-auth-token": token,
        "openstack-api-version": `compute ${microversion}`,
      }),
  };
}
