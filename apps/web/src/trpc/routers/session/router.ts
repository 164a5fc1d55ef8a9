// Signing in and out, and the project the session works in. The session is the Keystone token in
// an HttpOnly cookie (session-cookie.ts); every procedure here goes through the identity service,
// as POST/DELETE /identity/v3/auth/tokens do.
import { DEFAULT_DOMAIN, isRpcError } from "@nimbus/rpc";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { holderFrom } from "../../../rest/auth/keystone";
import { loginKey } from "../../../rest/identity/login-limiter";
import {
  issueToken,
  myProjects,
  rescopeToken,
  revokeSubject,
  type IdentityContext,
} from "../../../services/identity";
import {
  createTRPCRouter,
  protectedProcedure,
  publicProcedure,
  type Session,
  type TRPCContext,
} from "../../trpc";
import { sessionFrom } from "../../context";
import { loginInput, projectView, sessionView, type SessionView } from "./session.schema";

const view = (session: Session, ctx: Pick<TRPCContext, "settings">): SessionView => ({
  userId: session.userId,
  userName: session.userName,
  projectId: session.projectId,
  projectName: session.projectName,
  roles: [...session.roles],
  isAdmin: session.isAdmin,
  expiresAt: session.expiresAt,
  settings: ctx.settings,
});

const identityOf = (ctx: TRPCContext) => {
  if (!ctx.identity) {
    throw new TRPCError({
      code: "PRECONDITION_FAILED",
      message: "Signing in needs Keystone tokens (NIMBUS_AUTH_STRATEGY=keystone).",
    });
  }
  return ctx.identity;
};

/** Revoke a token the dashboard no longer uses; a token already gone is fine. */
async function revoke(ctx: TRPCContext, idc: IdentityContext, token: string) {
  try {
    await revokeSubject(idc, token);
  } catch (err) {
    if (!isRpcError(err, "not_found")) throw err;
  }
  identityOf(ctx).forget(token);
}

export const sessionRouter = createTRPCRouter({
  /** Password login (domain Default), scoped to the project named, the default one, or the first. */
  login: publicProcedure
    .input(loginInput)
    .output(sessionView)
    .mutation(async ({ ctx, input }) => {
      const identity = identityOf(ctx);
      const key = loginKey(`${DEFAULT_DOMAIN.id}/${input.username}`, identity.clientAddress);
      const wait = identity.limiter.retryAfter(key);
      if (wait !== null) {
        throw new TRPCError({
          code: "TOO_MANY_REQUESTS",
          message: `Too many failed sign-ins. Try again in ${Math.ceil(wait / 60)} min.`,
        });
      }
      const deps = { bus: ctx.bus, requestId: ctx.requestId };
      const domain = { id: DEFAULT_DOMAIN.id };
      let issued;
      try {
        issued = await issueToken(deps, {
          user: { name: input.username, domain },
          password: input.password,
          scope: input.project ? { project: { name: input.project, domain } } : null,
        });
      } catch (err) {
        if (isRpcError(err, "unauthorized")) {
          identity.limiter.failed(key);
          // Keystone's 401 says nothing useful to a person at a sign-in form.
          const message = input.project
            ? "Wrong user name or password, or no access to that project."
            : "Wrong user name or password.";
          throw new TRPCError({ code: "UNAUTHORIZED", message });
        }
        throw err;
      }
      identity.limiter.succeeded(key);

      let { token, data } = issued;
      if (!data.project) {
        // No project asked and no default one: the first project the user has a role on.
        const idc = { ...deps, log: ctx.log, holder: holderFrom(data) };
        const [first] = await myProjects(idc);
        if (!first) {
          await revoke(ctx, idc, token);
          throw new TRPCError({
            code: "FORBIDDEN",
            message: "You have no role on any project. Ask an administrator for one.",
          });
        }
        const rescoped = await rescopeToken(deps, token, { id: first.id });
        await revoke(ctx, idc, token);
        ({ token, data } = rescoped);
      }
      const session = sessionFrom(data)!;
      ctx.cookies.set(token, data.expiresAt);
      ctx.log.info({ userId: session.userId, projectId: session.projectId }, "dashboard sign-in");
      return view(session, ctx);
    }),

  /** The signed-in user and project (UNAUTHORIZED when there is no session). */
  me: protectedProcedure.output(sessionView).query(({ ctx }) => view(ctx.session, ctx)),

  /** The projects the user may switch to. */
  projects: protectedProcedure.output(z.array(projectView)).query(async ({ ctx }) =>
    (await myProjects(ctx.identityCtx)).map((p) => ({
      id: p.id,
      name: p.name,
      description: p.description,
    })),
  ),

  /** Move the session to another project: a re-scoped token replaces the old, which is revoked. */
  switchProject: protectedProcedure
    .input(z.object({ projectId: z.string().min(1).max(64) }))
    .output(sessionView)
    .mutation(async ({ ctx, input }) => {
      const old = ctx.token!;
      const { token, data } = await rescopeToken({ bus: ctx.bus, requestId: ctx.requestId }, old, {
        id: input.projectId,
      }).catch((err: unknown) => {
        if (isRpcError(err, "unauthorized")) {
          throw new TRPCError({ code: "FORBIDDEN", message: "You have no role on that project." });
        }
        throw err;
      });
      await revoke(ctx, ctx.identityCtx, old);
      ctx.cookies.set(token, data.expiresAt);
      const session = sessionFrom(data)!;
      ctx.log.info({ userId: session.userId, projectId: session.projectId }, "project switched");
      return view(session, ctx);
    }),

  /** Sign out: the token is revoked (as DELETE /v3/auth/tokens does) and the cookie cleared. */
  logout: publicProcedure.output(z.object({ ok: z.literal(true) })).mutation(async ({ ctx }) => {
    if (ctx.session && ctx.token) {
      const idc = { bus: ctx.bus, log: ctx.log, requestId: ctx.requestId, holder: ctx.session };
      await revoke(ctx, idc, ctx.token);
      ctx.log.info({ userId: ctx.session.userId }, "dashboard sign-out");
    }
    ctx.cookies.clear();
    return { ok: true as const };
  }),
});
