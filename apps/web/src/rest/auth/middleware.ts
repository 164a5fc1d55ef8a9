import type { MiddlewareHandler } from "hono";
import type { AuthContext, RestEnv } from "../context";
import { HttpError } from "../errors";
import type { AuthStrategy } from "./strategy";

/** The caller named by an X-Auth-Token value; 401 in the API's shape when there is none. */
export async function authenticateToken(
  strategy: AuthStrategy,
  token: string | undefined,
): Promise<AuthContext> {
  const auth = token ? await strategy.authenticate(token) : null;
  if (!auth) throw HttpError.unauthorized();
  return auth;
}

/** Rejects the request with 401 unless its X-Auth-Token names a caller; sets `c.var.auth`. */
export function requireAuth(strategy: AuthStrategy): MiddlewareHandler<RestEnv> {
  return async (c, next) => {
    c.set("auth", await authenticateToken(strategy, c.req.header("x-auth-token")));
    await next();
  };
}
