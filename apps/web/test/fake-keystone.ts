// Keystone's token handlers for the dashboard's tests, on the in-memory bus: users with passwords
// and roles per project, tokens kept by hash with an expiry, revocation (publishing identity.change
// as the conductor does) and re-scoping. Serve them with the fake conductor:
// `serveFakeConductor(bus, keystone.handlers)`.
import { randomUUID } from "node:crypto";
import {
  authenticate,
  handler,
  identityChangeEvent,
  listProjects,
  rescopeToken,
  revokeToken,
  RpcError,
  validateToken,
  type Bus,
  type Handler,
  type TokenData,
} from "@nimbus/rpc";

export interface FakeUser {
  id: string;
  name: string;
  password: string;
  /** project id → role names (implied ones included) */
  roles: Record<string, string[]>;
  defaultProjectId?: string;
}

export interface FakeKeystone {
  handlers: Handler[];
  users: FakeUser[];
  projects: { id: string; name: string }[];
  /** token hash → data */
  tokens: Map<string, TokenData>;
  revoked: Set<string>;
  /** The clock tokens are issued and judged by (ms). */
  now: number;
  ttlMs: number;
}

const failed = () =>
  new RpcError("unauthorized", "The request you have made requires authentication.");

export function fakeKeystone(
  bus: Bus,
  init: Pick<FakeKeystone, "users" | "projects">,
): FakeKeystone {
  const ks: FakeKeystone = {
    ...init,
    handlers: [],
    tokens: new Map(),
    revoked: new Set(),
    now: Date.now(),
    ttlMs: 3600_000,
  };
  const project = (id: string) => ks.projects.find((p) => p.id === id);
  const issue = (
    user: FakeUser,
    projectId: string | null,
    methods: string[],
    expiresAt?: string,
  ) => {
    const p = projectId === null ? null : project(projectId)!;
    const roles = projectId === null ? [] : (user.roles[projectId] ?? []);
    return {
      user: { id: user.id, name: user.name, domainId: "default" },
      project: p && { ...p, domainId: "default" },
      domain: null,
      roles: roles.map((name) => ({ id: name.padEnd(32, "0"), name })),
      methods,
      auditId: randomUUID().replaceAll("-", "").slice(0, 22),
      issuedAt: new Date(ks.now).toISOString(),
      expiresAt: expiresAt ?? new Date(ks.now + ks.ttlMs).toISOString(),
    } satisfies TokenData;
  };
  const live = (hash: string) => {
    const data = ks.tokens.get(hash);
    if (!data || ks.revoked.has(hash) || Date.parse(data.expiresAt) <= ks.now) throw failed();
    return data;
  };

  ks.handlers = [
    handler(authenticate, (req) => {
      const user = ks.users.find((u) =>
        "id" in req.user ? u.id === req.user.id : u.name === req.user.name,
      );
      if (!user || user.password !== req.password) throw failed();
      let projectId: string | null = null;
      if (req.scope && req.scope !== "unscoped" && "project" in req.scope) {
        const ref = req.scope.project;
        const p = ks.projects.find((x) => ("id" in ref ? x.id === ref.id : x.name === ref.name));
        if (!p || !user.roles[p.id]?.length) throw failed();
        projectId = p.id;
      } else if (req.scope === null && user.defaultProjectId) {
        projectId = user.defaultProjectId;
      }
      const data = issue(user, projectId, ["password"]);
      ks.tokens.set(req.tokenHash, data);
      return data;
    }),
    handler(validateToken, (req) => live(req.tokenHash)),
    handler(revokeToken, async (req, meta) => {
      const data = live(req.tokenHash);
      ks.revoked.add(req.tokenHash);
      await bus.publish(
        identityChangeEvent,
        { kind: "token", id: data.auditId },
        { ctx: meta.ctx },
      );
      return { auditId: data.auditId };
    }),
    handler(rescopeToken, (req) => {
      const from = live(req.tokenHash);
      const user = ks.users.find((u) => u.id === from.user.id)!;
      const ref = req.project;
      const p = ks.projects.find((x) => ("id" in ref ? x.id === ref.id : x.name === ref.name));
      if (!p || !user.roles[p.id]?.length) {
        throw new RpcError("unauthorized", `User ${user.id} has no access to project x`);
      }
      const data = issue(user, p.id, [...from.methods, "token"], from.expiresAt);
      ks.tokens.set(req.newTokenHash, data);
      return data;
    }),
    handler(listProjects, (req) => ({
      projects: ks.projects
        .filter(
          (p) => !req.userId || ks.users.find((u) => u.id === req.userId)?.roles[p.id]?.length,
        )
        .map((p) => ({ ...p, domainId: "default", description: null, enabled: true })),
    })),
  ];
  return ks;
}
