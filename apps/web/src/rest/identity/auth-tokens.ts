// /v3/auth: password logins and re-scoping a token to another project (POST /auth/tokens), validating (GET, HEAD) and revoking (DELETE)
// another token named by X-Subject-Token, the projects a token's user may scope to, and the catalog.
// Failed logins are limited per user and client address (login-limiter.ts).
import { DEFAULT_DOMAIN, isRpcError } from "@nimbus/rpc";
import { allowed } from "@nimbus/rpc/domain";
import type { Context } from "hono";
import { z } from "zod";
import {
  issueToken,
  myProjects,
  rescopeToken,
  revokeSubject,
  validateSubject,
  type LoginRequest,
  type RescopeTarget,
} from "../../services/identity";
import { forbidden } from "../../services/context";
import type { RouteModule } from "../app";
import { readJsonObject } from "../body";
import { requireToken } from "../auth/middleware";
import type { RestEnv } from "../context";
import { HttpError } from "../errors";
import { baseUrl } from "../links";
import { identityContext } from "./context";
import { createLoginLimiter, loginKey, type LoginLimiterOptions } from "./login-limiter";
import { catalogView, listLinks, projectView, tokenView } from "./views";

const domainRef = z.union([
  z.object({ id: z.string().min(1).max(64) }),
  z.object({ name: z.string().min(1).max(64) }),
]);
const named = z.object({
  id: z.string().min(1).max(255).optional(),
  name: z.string().min(1).max(255).optional(),
  domain: domainRef.optional(),
});

const authBody = z.object({
  auth: z.object({
    identity: z.object({
      methods: z.array(z.string()).min(1),
      password: z
        .object({ user: named.extend({ password: z.string().min(1).max(4096) }) })
        .optional(),
      token: z.object({ id: z.string().min(1).max(4096) }).optional(),
    }),
    scope: z
      .union([
        z.literal("unscoped"),
        z.object({ project: named }),
        z.object({ domain: domainRef }),
        z.object({ system: z.unknown() }),
      ])
      .optional(),
  }),
});

/** A user or project reference as the conductor takes it: an id, or a name with its domain. */
function reference(what: string, ref: z.output<typeof named>) {
  if (ref.id !== undefined) return { id: ref.id };
  if (ref.name === undefined)
    throw HttpError.badRequest(`Expecting to find id or name in ${what}.`);
  if (!ref.domain) throw HttpError.badRequest(`Expecting to find domain in ${what}.`);
  return { name: ref.name, domain: ref.domain };
}

type AuthRequest =
  | { method: "password"; login: LoginRequest }
  | { method: "token"; token: string; project: RescopeTarget };

/**
 * A password login, or a token re-scoped to a project (Keystone's `token` method; only project
 * scopes here). No validation message ever echoes what was sent (a password, a token).
 */
function authRequest(body: unknown): AuthRequest {
  const parsed = authBody.safeParse(body);
  if (!parsed.success) {
    const path = parsed.error.issues[0]?.path.join(".") ?? "auth";
    throw HttpError.badRequest(`Invalid input for field '${path}'.`);
  }
  const { identity, scope } = parsed.data.auth;
  if (identity.methods.includes("token") && identity.token) {
    if (!scope || typeof scope !== "object" || !("project" in scope)) {
      throw HttpError.badRequest("The token method re-scopes a token to a project only.");
    }
    return {
      method: "token",
      token: identity.token.id,
      project: reference("project", scope.project),
    };
  }
  if (!identity.methods.includes("password") || !identity.password) {
    throw HttpError.unauthorized("Attempted to authenticate with an unsupported method.");
  }
  const { password, ...user } = identity.password.user;
  let tokenScope: LoginRequest["scope"] = null;
  if (scope === "unscoped") tokenScope = "unscoped";
  else if (scope && "project" in scope)
    tokenScope = { project: reference("project", scope.project) };
  else if (scope && "domain" in scope) tokenScope = { domain: scope.domain };
  else if (scope) throw HttpError.unauthorized("System-scoped tokens are not supported.");
  return {
    method: "password",
    login: { user: reference("user", user), password, scope: tokenScope },
  };
}

/** The (user, address) pair a login counts against; the domain by id or by name is one domain. */
function limiterKey(c: Context<RestEnv>, login: LoginRequest): string {
  let user: string;
  if ("id" in login.user) user = `id:${login.user.id}`;
  else {
    const d = login.user.domain;
    const domain = "id" in d ? d.id : d.name === DEFAULT_DOMAIN.name ? DEFAULT_DOMAIN.id : d.name;
    user = `${domain}/${login.user.name}`;
  }
  return loginKey(user, c.env?.incoming?.socket?.remoteAddress ?? "unknown");
}

const subjectOf = (c: Context<RestEnv>) => {
  const subject = c.req.header("x-subject-token");
  if (!subject) throw HttpError.badRequest("X-Subject-Token is required.");
  return subject;
};

export function authTokensWith(limits: LoginLimiterOptions = {}): RouteModule<RestEnv> {
  return (r, deps) => {
    const limiter = createLoginLimiter(limits);
    const token = requireToken(deps.auth);

    r.post("/auth/tokens", async (c) => {
      const request = authRequest(await readJsonObject(c));
      const withCatalog = c.req.query("nocatalog") === undefined;
      if (request.method === "token") {
        const rescoped = await rescopeToken(
          { bus: deps.bus, requestId: c.var.requestId },
          request.token,
          request.project,
        );
        c.header("X-Subject-Token", rescoped.token);
        return c.json(tokenView(rescoped.data, baseUrl(c), withCatalog), 201);
      }
      const { login } = request;
      const key = limiterKey(c, login);
      const wait = limiter.retryAfter(key);
      if (wait !== null) {
        c.var.log.warn({ retryAfter: wait }, "login refused: too many failures");
        throw new HttpError(429, "Too many failed authentication attempts. Try again later.", {
          "Retry-After": String(wait),
        });
      }
      let issued;
      try {
        issued = await issueToken({ bus: deps.bus, requestId: c.var.requestId }, login);
      } catch (err) {
        if (isRpcError(err, "unauthorized")) limiter.failed(key);
        throw err;
      }
      limiter.succeeded(key);
      c.header("X-Subject-Token", issued.token);
      return c.json(tokenView(issued.data, baseUrl(c), withCatalog), 201);
    });

    r.get("/auth/tokens", token, async (c) => {
      const subject = subjectOf(c);
      const data = await validateSubject(identityContext(c, deps), subject);
      c.header("X-Subject-Token", subject);
      return c.json(tokenView(data, baseUrl(c), c.req.query("nocatalog") === undefined));
    });

    r.delete("/auth/tokens", token, async (c) => {
      const subject = subjectOf(c);
      await revokeSubject(identityContext(c, deps), subject);
      // This process refuses it at once; the others when identity.change reaches them.
      deps.auth.forget?.(subject);
      return c.body(null, 204);
    });

    r.get("/auth/projects", token, async (c) => {
      const base = baseUrl(c);
      const projects = await myProjects(identityContext(c, deps));
      return c.json({
        projects: projects.map((p) => projectView(p, base)),
        links: listLinks(base, "/auth/projects"),
      });
    });

    r.get("/auth/catalog", token, (c) => {
      if (!allowed(c.var.holder!, "identity:get_auth_catalog")) {
        throw forbidden("identity:get_auth_catalog");
      }
      // Unscoped tokens (no project, no domain) hold no roles and get no catalog.
      if (c.var.holder?.roles.length === 0) {
        throw HttpError.forbidden("A catalog cannot be generated for an unscoped token.");
      }
      const base = baseUrl(c);
      return c.json({ catalog: catalogView(base), links: listLinks(base, "/auth/catalog") });
    });
  };
}

export const authTokens = authTokensWith();
