import type { MiddlewareHandler } from "hono";
import type { AuthContext, RestEnv, TokenHolder } from "../context";
import { HttpError } from "../errors";
import { baseUrl } from "../links";
import type { AuthStrategy } from "./strategy";

interface Where {
  /** The public base URL, for the strategy's 401 (Keystone's names where to authenticate). */
  base: string;
  requestId?: string;
}

/** Who an X-Auth-Token value stands for, any scope; the strategy's 401 when nobody. */
export async function holderOf(
  strategy: AuthStrategy,
  token: string | undefined,
  where: Where,
): Promise<TokenHolder> {
  const holder = token ? await strategy.authenticate(token, where.requestId) : null;
  if (!holder) throw strategy.rejection?.(where.base) ?? HttpError.unauthorized();
  return holder;
}

/** A holder acting in a project, or null for an unscoped or domain-scoped token. */
export function projectCaller(holder: TokenHolder): AuthContext | null {
  const { projectId } = holder;
  return projectId === null ? null : { ...holder, projectId };
}

/**
 * The caller named by an X-Auth-Token value, for the compute and image APIs: 401 when there is
 * none, 403 for a token that is valid but not scoped to a project (Nova's policies then match
 * nothing, as with keystonemiddleware in front of it).
 */
export async function authenticateToken(
  strategy: AuthStrategy,
  token: string | undefined,
  where: Where,
): Promise<AuthContext> {
  const caller = projectCaller(await holderOf(strategy, token, where));
  if (!caller) throw HttpError.forbidden("This API needs a token scoped to a project.");
  return caller;
}

/** Rejects the request unless its X-Auth-Token names a caller in a project; sets `c.var.auth`. */
export function requireAuth(strategy: AuthStrategy): MiddlewareHandler<RestEnv> {
  return async (c, next) => {
    const where = { base: baseUrl(c), requestId: c.var.requestId };
    c.set("auth", await authenticateToken(strategy, c.req.header("x-auth-token"), where));
    await next();
  };
}

/** Rejects the request unless its X-Auth-Token is valid (any scope); sets `c.var.holder`. */
export function requireToken(strategy: AuthStrategy): MiddlewareHandler<RestEnv> {
  return async (c, next) => {
    const where = { base: baseUrl(c), requestId: c.var.requestId };
    c.set("holder", await holderOf(strategy, c.req.header("x-auth-token"), where));
    await next();
  };
}
