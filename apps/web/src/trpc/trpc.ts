// tRPC for the dashboard, in three parts: context, initialization, procedures.
import type { Bus } from "@nimbus/rpc";
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import type { Logger } from "../logger";
import type { AuthContext } from "../rest/context";
import type { ServiceContext } from "../services/context";
import type { IdentityContext } from "../services/identity";
import { toTRPCError } from "./errors";

// 1. Context: built per request from the session cookie (context.ts).

/** A signed-in user working in one project. */
export interface Session extends AuthContext {
  userName: string;
  projectName: string;
  /** when the token (and the cookie) expires, ISO */
  expiresAt: string;
}

/** What the server lets the dashboard know about its settings. */
export interface DashboardSettings {
  /** seconds in one task state after which an instance is flagged as stuck */
  stuckTaskSeconds: number;
}

export interface TRPCContext {
  requestId: string;
  log: Logger;
  bus: Bus;
  /** The signed-in caller, or null. */
  session: Session | null;
  /** The session's token, for sign-out and project switching only; never returned. */
  token: string | null;
  /** A session cookie came, but its token is no longer valid (expired, revoked). */
  expired: boolean;
  /** Whether the request may change something: same origin and JSON (session-cookie.ts). */
  csrf: { ok: true } | { ok: false; reason: string };
  /** The session cookie of the response. */
  cookies: { set(token: string, expiresAt: string): void; clear(): void };
  /** Sign-in: tokens are Keystone's; null when the web runs another auth strategy. */
  identity: {
    /** Drop a token revoked here from the auth cache and end its live connections. */
    forget(token: string): void;
    /** Whether a failed login for this user from this client should wait (seconds) or go on. */
    limiter: {
      retryAfter(key: string): number | null;
      failed(key: string): void;
      succeeded(key: string): void;
    };
    /** the client's address, for the login limiter */
    clientAddress: string;
  } | null;
  settings: DashboardSettings;
  /** NIMBUS_IMAGES_DIR: where deleting an image removes its data from (server-side only). */
  imagesDir: string;
}

// 2. Initialization. `isDev: false` keeps stack traces out of error responses in every mode.
const t = initTRPC.context<TRPCContext>().create({
  transformer: superjson,
  isDev: false,
  errorFormatter: ({ shape, ctx, error }) => ({
    ...shape,
    // The dashboard sends the user back to the sign-in page, saying why.
    data: { ...shape.data, sessionExpired: error.code === "UNAUTHORIZED" && !!ctx?.expired },
  }),
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

// 3. Procedures.

/** Every failure in the API's own words (errors.ts); mutations only from this server's pages. */
const base = t.procedure.use(async ({ ctx, type, next }) => {
  if (type === "mutation" && !ctx.csrf.ok) {
    ctx.log.warn({ reason: ctx.csrf.reason }, "mutation refused: not from this server's pages");
    throw new TRPCError({
      code: "FORBIDDEN",
      message: "This request did not come from the dashboard.",
    });
  }
  const result = await next();
  if (!result.ok) {
    const error = toTRPCError(result.error, ctx.requestId);
    if (error.code === "INTERNAL_SERVER_ERROR") {
      ctx.log.error({ err: result.error.cause ?? result.error }, "tRPC procedure failed");
    }
    throw error;
  }
  return result;
});

export const publicProcedure = base;

/** Needs a signed-in caller; narrows `ctx.session` and gives the service layer's context. */
export const protectedProcedure = base.use(({ ctx, next }) => {
  const { session } = ctx;
  if (!session) {
    throw new TRPCError({
      code: "UNAUTHORIZED",
      message: ctx.expired ? "Your session has ended. Sign in again." : "Sign in to continue.",
    });
  }
  const svc: ServiceContext = {
    bus: ctx.bus,
    log: ctx.log,
    requestId: ctx.requestId,
    userId: session.userId,
    projectId: session.projectId,
    roles: session.roles,
    isAdmin: session.isAdmin,
  };
  const idc: IdentityContext = {
    bus: ctx.bus,
    log: ctx.log,
    requestId: ctx.requestId,
    holder: session,
  };
  return next({ ctx: { ...ctx, session, svc, identityCtx: idc } });
});

/** Needs a signed-in administrator. */
export const adminProcedure = protectedProcedure.use(({ ctx, next }) => {
  if (!ctx.session.isAdmin) {
    throw new TRPCError({ code: "FORBIDDEN", message: "Only administrators may do this." });
  }
  return next();
});
