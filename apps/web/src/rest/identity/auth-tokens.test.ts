// /identity/v3/auth over the REST app with the keystone strategy, in front of a stand-in conductor
// on the in-memory bus: Keystone's token shapes, what reaches the bus, failed-login limits, and
// how the other APIs treat good, bad, unscoped and revoked tokens.
import { randomUUID } from "node:crypto";
import {
  authenticate,
  handler,
  listProjects,
  rescopeToken,
  revokeToken,
  RpcError,
  validateToken,
  type TokenData,
} from "@nimbus/rpc";
import { createMemoryBus, type MemoryBus } from "@nimbus/rpc/memory";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tokenHashOf } from "../../services/identity";
import { createRestApp, type RestRoutes } from "../app";
import { keystone, type KeystoneStrategy } from "../auth/keystone";
import { authTokensWith } from "./auth-tokens";

const USERS: Record<string, { id: string; password: string; roles: string[] }> = {
  alice: { id: "a".repeat(32), password: "alice's secret", roles: ["member", "reader"] },
  root: { id: "b".repeat(32), password: "root's secret", roles: ["admin", "member", "reader"] },
};
const PROJECT = { id: "c".repeat(32), name: "demo", domainId: "default" };
const OTHER = { id: "d".repeat(32), name: "other", domainId: "default" };

let bus: MemoryBus;
let auth: KeystoneStrategy;
let clock: number;
let app: ReturnType<typeof createRestApp>;
const issued = new Map<string, TokenData>();
const revoked = new Set<string>();
let authCalls: Array<{ tokenHash: string; password: string }>;

/** A compute route that shows who called. */
const whoami: RestRoutes["compute"][number] = (r) =>
  r.get("/whoami", (c) => c.json({ userId: c.var.auth.userId, projectId: c.var.auth.projectId }));

beforeEach(async () => {
  bus = createMemoryBus();
  clock = Date.parse("2026-11-21T08:00:00Z");
  issued.clear();
  revoked.clear();
  authCalls = [];
  await bus.serve({ service: "conductor" }, [
    handler(authenticate, (req) => {
      authCalls.push({ tokenHash: req.tokenHash, password: req.password });
      const name = "name" in req.user ? req.user.name : undefined;
      const user = name ? USERS[name] : undefined;
      if (!user || user.password !== req.password) {
        throw new RpcError("unauthorized", "The request you have made requires authentication.");
      }
      const scoped = req.scope !== "unscoped" && req.scope !== null;
      const data: TokenData = {
        user: { id: user.id, name: name!, domainId: "default" },
        project: scoped ? PROJECT : null,
        domain: null,
        roles: scoped ? user.roles.map((r) => ({ id: r.padEnd(32, "0"), name: r })) : [],
        methods: ["password"],
        auditId: randomUUID().slice(0, 22),
        issuedAt: new Date(clock).toISOString(),
        expiresAt: new Date(clock + 3600_000).toISOString(),
      };
      issued.set(req.tokenHash, data);
      return data;
    }),
    handler(validateToken, (req) => {
      const data = issued.get(req.tokenHash);
      if (!data || revoked.has(req.tokenHash)) {
        throw new RpcError("unauthorized", "The request you have made requires authentication.");
      }
      return data;
    }),
    handler(revokeToken, (req) => {
      revoked.add(req.tokenHash);
      return { auditId: issued.get(req.tokenHash)!.auditId };
    }),
    handler(rescopeToken, (req) => {
      const from = issued.get(req.tokenHash);
      if (!from || revoked.has(req.tokenHash)) {
        throw new RpcError("unauthorized", "The request you have made requires authentication.");
      }
      if (!("id" in req.project) || req.project.id !== OTHER.id) {
        throw new RpcError("unauthorized", `User ${from.user.id} has no access to project x`);
      }
      const data: TokenData = {
        ...from,
        project: OTHER,
        methods: ["password", "token"],
        auditId: randomUUID().slice(0, 22),
      };
      issued.set(req.newTokenHash, data);
      return data;
    }),
    handler(listProjects, (req) => ({
      projects: req.userId ? [{ ...PROJECT, description: null, enabled: true }] : [],
    })),
  ]);
  auth = await keystone({ bus, log: pino({ level: "silent" }) });
  app = createRestApp(
    {
      log: pino({ level: "silent" }),
      auth,
      bus,
      imagesDir: "/nonexistent",
      maxImageBytes: 1024,
      maxBodyBytes: 64 * 1024,
    },
    {
      compute: [whoami],
      identity: [authTokensWith({ now: () => clock })],
      image: [],
    },
  );
});
afterEach(async () => {
  await auth.close?.();
  await bus.close();
});

const BASE = "http://cloud.example";

function loginBody(
  user: string,
  password: string,
  scope: unknown = { project: { id: PROJECT.id } },
) {
  return {
    auth: {
      identity: {
        methods: ["password"],
        password: { user: { name: user, domain: { name: "Default" }, password } },
      },
      ...(scope !== undefined && { scope }),
    },
  };
}

const request = (path: string, init: RequestInit = {}) => app.request(`${BASE}${path}`, init);

async function login(user = "alice", scope?: unknown, query = "") {
  const res = await request(`/identity/v3/auth/tokens${query}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(loginBody(user, USERS[user]!.password, scope)),
  });
  return { res, token: res.headers.get("x-subject-token")!, body: await res.json() };
}

describe("POST /identity/v3/auth/tokens", () => {
  it("answers 201 with X-Subject-Token and Keystone's token body; only the token's sha256 is sent on", async () => {
    const { res, token, body } = await login();
    expect(res.status).toBe(201);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(authCalls).toEqual([{ tokenHash: tokenHashOf(token), password: "alice's secret" }]);
    expect(body.token).toMatchObject({
      methods: ["password"],
      user: { id: USERS.alice!.id, name: "alice", domain: { id: "default", name: "Default" } },
      project: { id: PROJECT.id, name: "demo", domain: { id: "default", name: "Default" } },
      is_domain: false,
      roles: [{ name: "member" }, { name: "reader" }],
      issued_at: "2026-11-21T08:00:00.000000Z",
      expires_at: "2026-11-21T09:00:00.000000Z",
    });
    expect(body.token.audit_ids).toHaveLength(1);
    const catalog = body.token.catalog as Array<{
      type: string;
      endpoints: Array<{ interface: string; url: string; region_id: string }>;
    }>;
    expect(Object.fromEntries(catalog.map((s) => [s.type, s.endpoints.map((e) => e.url)]))).toEqual(
      {
        compute: Array(3).fill(`${BASE}/compute/v2.1`),
        identity: Array(3).fill(`${BASE}/identity`),
        image: Array(3).fill(`${BASE}/image`),
      },
    );
    expect(catalog[0]!.endpoints.map((e) => [e.interface, e.region_id])).toEqual([
      ["public", "RegionOne"],
      ["internal", "RegionOne"],
      ["admin", "RegionOne"],
    ]);
  });

  it("leaves the catalog out with ?nocatalog and for unscoped tokens", async () => {
    expect((await login("alice", undefined, "?nocatalog")).body.token.catalog).toBeUndefined();
    const unscoped = (await login("alice", "unscoped")).body.token;
    expect(unscoped.catalog).toBeUndefined();
    expect(unscoped.project).toBeUndefined();
    expect(unscoped.roles).toBeUndefined();
  });

  it("re-scopes a token to another project with the token method; the original stays valid", async () => {
    const { token } = await login();
    const rescope = (project: unknown) =>
      request("/identity/v3/auth/tokens?nocatalog", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          auth: { identity: { methods: ["token"], token: { id: token } }, scope: { project } },
        }),
      });
    const res = await rescope({ id: OTHER.id });
    expect(res.status).toBe(201);
    const rescoped = res.headers.get("x-subject-token")!;
    expect(rescoped).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(rescoped).not.toBe(token);
    const body = await res.json();
    expect(body.token).toMatchObject({
      methods: ["password", "token"],
      project: { id: OTHER.id, name: "other" },
    });
    const whoami = (t: string) =>
      Promise.resolve(request("/compute/v2.1/whoami", { headers: { "x-auth-token": t } })).then(
        (r) => r.json(),
      );
    expect(await whoami(rescoped)).toMatchObject({ projectId: OTHER.id });
    expect(await whoami(token)).toMatchObject({ projectId: PROJECT.id });

    expect((await rescope({ id: "e".repeat(32) })).status).toBe(401);
    const noScope = await request("/identity/v3/auth/tokens", {
      method: "POST",
      body: JSON.stringify({ auth: { identity: { methods: ["token"], token: { id: token } } } }),
    });
    expect(noScope.status).toBe(400);
    expect((await noScope.json()).error.message).toBe(
      "The token method re-scopes a token to a project only.",
    );
  });

  it("refuses a malformed body without echoing it, and other methods than password", async () => {
    const bad = await request("/identity/v3/auth/tokens", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        auth: {
          identity: { methods: ["password"], password: { user: { name: "x", password: 7 } } },
        },
      }),
    });
    expect(bad.status).toBe(400);
    const text = await bad.text();
    expect(JSON.parse(text).error).toMatchObject({ code: 400, title: "Bad Request" });
    expect(text).not.toContain("7");
    const otherMethod = await request("/identity/v3/auth/tokens", {
      method: "POST",
      body: JSON.stringify({ auth: { identity: { methods: ["totp"] } } }),
    });
    expect(otherMethod.status).toBe(401);
    const noDomain = await request("/identity/v3/auth/tokens", {
      method: "POST",
      body: JSON.stringify({
        auth: {
          identity: { methods: ["password"], password: { user: { name: "alice", password: "p" } } },
        },
      }),
    });
    expect((await noDomain.json()).error.message).toBe("Expecting to find domain in user.");
  });

  it("answers 429 with Retry-After after five failures in five minutes, per user; a success resets", async () => {
    const attempt = (user: string, password: string) =>
      request("/identity/v3/auth/tokens", {
        method: "POST",
        body: JSON.stringify(loginBody(user, password)),
      });
    for (let i = 0; i < 5; i++) {
      expect((await attempt("alice", "wrong")).status).toBe(401);
      clock += 1_000;
    }
    const calls = authCalls.length;
    const limited = await attempt("alice", USERS.alice!.password);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("295");
    expect((await limited.json()).error).toMatchObject({ code: 429, title: "Too Many Requests" });
    expect(authCalls.length).toBe(calls); // refused before the conductor is asked
    // Neither the name's case nor naming the domain by id makes a new pair.
    expect((await attempt("ALICE", "wrong")).status).toBe(429);
    const byDomainId = loginBody("alice", "wrong");
    byDomainId.auth.identity.password.user.domain = { id: "default" } as never;
    const viaId = await request("/identity/v3/auth/tokens", {
      method: "POST",
      body: JSON.stringify(byDomainId),
    });
    expect(viaId.status).toBe(429);
    // Another user is not held up.
    expect((await attempt("root", USERS.root!.password)).status).toBe(201);

    clock += 295_000;
    expect((await attempt("alice", USERS.alice!.password)).status).toBe(201);
    for (let i = 0; i < 4; i++) expect((await attempt("alice", "wrong")).status).toBe(401);
    expect((await attempt("alice", USERS.alice!.password)).status).toBe(201);
    expect((await attempt("alice", "wrong")).status).toBe(401);
  });
});

describe("tokens on the other APIs", () => {
  it("lets a project-scoped token in, refuses an unscoped one with 403", async () => {
    const { token } = await login();
    const res = await request("/compute/v2.1/whoami", { headers: { "x-auth-token": token } });
    expect(await res.json()).toEqual({ userId: USERS.alice!.id, projectId: PROJECT.id });
    const unscoped = (await login("alice", "unscoped")).token;
    const refused = await request("/compute/v2.1/whoami", {
      headers: { "x-auth-token": unscoped },
    });
    expect(refused.status).toBe(403);
  });

  it("answers a missing or bad token as keystonemiddleware does, on compute and image alike", async () => {
    for (const path of ["/compute/v2.1/whoami", "/image/v2/images"]) {
      for (const headers of [{}, { "x-auth-token": "not-a-token" }] as Record<string, string>[]) {
        const res = await request(path, { headers });
        expect(res.status).toBe(401);
        expect(res.headers.get("www-authenticate")).toBe(`Keystone uri="${BASE}/identity"`);
        expect(await res.json()).toEqual({
          error: {
            code: 401,
            title: "Unauthorized",
            message: "The request you have made requires authentication.",
          },
        });
      }
    }
  });
});

describe("/identity/v3/auth/tokens with X-Subject-Token", () => {
  it("validates a token for its own user (GET and HEAD) and for an admin, 403 for anyone else", async () => {
    const alice = (await login()).token;
    const root = (await login("root")).token;
    const get = (caller: string, subject: string, method = "GET") =>
      request("/identity/v3/auth/tokens", {
        method,
        headers: { "x-auth-token": caller, "x-subject-token": subject },
      });
    const own = await get(alice, alice);
    expect(own.status).toBe(200);
    expect(own.headers.get("x-subject-token")).toBe(alice);
    expect((await own.json()).token.user.name).toBe("alice");
    expect((await get(root, alice)).status).toBe(200);
    expect((await get(alice, root)).status).toBe(403);
    const head = await get(alice, alice, "HEAD");
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
    const missing = await get(root, "no-such-token");
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.message).toBe("Could not find token.");
  });

  it("revokes a token, after which every API refuses it at once despite the cache", async () => {
    const { token } = await login();
    const headers = { "x-auth-token": token };
    expect((await request("/compute/v2.1/whoami", { headers })).status).toBe(200);
    expect(auth.cached).toBe(1);
    const del = await request("/identity/v3/auth/tokens", {
      method: "DELETE",
      headers: { ...headers, "x-subject-token": token },
    });
    expect(del.status).toBe(204);
    expect(revoked.has(tokenHashOf(token))).toBe(true);
    expect((await request("/compute/v2.1/whoami", { headers })).status).toBe(401);
    expect((await request("/identity/v3/auth/projects", { headers })).status).toBe(401);
  });

  it("lists the projects the token's user may scope to, even from an unscoped token", async () => {
    const { token } = await login("alice", "unscoped");
    const res = await request("/identity/v3/auth/projects", { headers: { "x-auth-token": token } });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.projects.map((p: { name: string }) => p.name)).toEqual(["demo"]);
    expect(body.links).toEqual({
      self: `${BASE}/identity/v3/auth/projects`,
      previous: null,
      next: null,
    });
    // An unscoped token gets no catalog; a scoped one does.
    const noCatalog = await request("/identity/v3/auth/catalog", {
      headers: { "x-auth-token": token },
    });
    expect(noCatalog.status).toBe(403);
    const scoped = (await login()).token;
    const catalog = await request("/identity/v3/auth/catalog", {
      headers: { "x-auth-token": scoped },
    });
    expect((await catalog.json()).catalog).toHaveLength(3);
  });
});
