// The tRPC context of one request: the session from its cookie, validated by the same keystone
// strategy (and cache) the REST API uses, and the response's cookie.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Bus, TokenData } from "@nimbus/rpc";
import type { Logger } from "../logger";
import type { AuthStrategy } from "../rest/auth";
import { holderFrom, type KeystoneStrategy } from "../rest/auth/keystone";
import { createLoginLimiter } from "../rest/identity/login-limiter";
import { requestIdOf } from "../server/request-id";
import {
  clearedSessionCookie,
  csrfVerdict,
  isHttps,
  sessionCookie,
  sessionToken,
} from "./session-cookie";
import { toTRPCError } from "./errors";
import type { DashboardSettings, Session, TRPCContext } from "./trpc";

export interface ContextDeps {
  log: Logger;
  bus: Bus;
  auth: AuthStrategy;
  publicUrl?: string | undefined;
  settings: DashboardSettings;
  imagesDir: string;
  /** Ends the live (socket.io) connections of a token that was just revoked. */
  endLiveSessions?: (token: string) => void;
}

/** The session a token's data stands for: a token scoped to a project, else null. */
export function sessionFrom(data: TokenData): Session | null {
  if (!data.project) return null;
  return {
    ...holderFrom(data),
    projectId: data.project.id,
    userName: data.user.name,
    projectName: data.project.name,
    expiresAt: data.expiresAt,
  };
}

/** The session a token stands for (validated through the keystone strategy's cache), or null. */
export async function sessionOf(
  auth: KeystoneStrategy,
  token: string,
  requestId: string,
): Promise<Session | null> {
  const data = await auth.validate(token, requestId);
  return data && sessionFrom(data);
}

/** Sessions are Keystone tokens: another strategy (noauth2, for API tests) has none. */
export const isKeystone = (auth: AuthStrategy): auth is KeystoneStrategy =>
  auth.name === "keystone" && "validate" in auth;

export function createContextFactory(deps: ContextDeps) {
  const keystone = isKeystone(deps.auth) ? deps.auth : null;
  // One limiter per process for dashboard sign-ins (the REST API keeps its own).
  const limiter = createLoginLimiter();

  return async ({
    req,
    res,
  }: {
    req: IncomingMessage;
    res: ServerResponse;
  }): Promise<TRPCContext> => {
    const requestId = requestIdOf(req);
    const log = deps.log.child({ requestId });
    const secure = isHttps(req, deps.publicUrl);
    const token = sessionToken(req.headers);
    let session: Session | null = null;
    try {
      session = token && keystone ? await sessionOf(keystone, token, requestId) : null;
    } catch (err) {
      // The conductor did not answer: say so, rather than sign the user out.
      throw toTRPCError(err, requestId);
    }
    const cookies = {
      set: (value: string, expiresAt: string) =>
        res.appendHeader("set-cookie", sessionCookie(value, new Date(expiresAt), secure)),
      clear: () => res.appendHeader("set-cookie", clearedSessionCookie(secure)),
    };
    const expired = !!token && !session;
    // A cookie whose token is no longer valid goes now, so the next page load starts clean.
    if (expired) cookies.clear();
    return {
      requestId,
      log,
      bus: deps.bus,
      session,
      token: session ? token : null,
      expired,
      csrf: csrfVerdict(req.headers, { publicUrl: deps.publicUrl }),
      cookies,
      identity: keystone && {
        forget: (t: string) => {
          keystone.forget?.(t);
          deps.endLiveSessions?.(t);
        },
        limiter,
        clientAddress: req.socket.remoteAddress ?? "unknown",
      },
      settings: deps.settings,
      imagesDir: deps.imagesDir,
    };
  };
}
