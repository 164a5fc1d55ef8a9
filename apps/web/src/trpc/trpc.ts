// tRPC for the dashboard, in three parts: context, initialization, procedures.
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import type { Logger } from "../logger";
import type { AuthContext } from "../rest/context";

// 1. Context: built per request by the server (src/server/trpc-handler.ts).
export interface TRPCContext {
  requestId: string;
  log: Logger;
  /** The signed-in caller, or null. */
  session: AuthContext | null;
}

// 2. Initialization. `isDev: false` keeps stack traces out of error responses in every mode.
const t = initTRPC.context<TRPCContext>().create({ transformer: superjson, isDev: false });

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

// 3. Procedures.
export const publicProcedure = t.procedure;

/** Needs a signed-in caller; narrows `ctx.session` to non-null. */
export const protectedProcedure = t.procedure.use(({ ctx, next }) => {
  if (!ctx.session) throw new TRPCError({ code: "UNAUTHORIZED" });
  return next({ ctx: { ...ctx, session: ctx.session } });
});

/** Needs a signed-in administrator. */
export const adminProcedure = protectedProcedure.use(({ ctx, next }) => {
  if (!ctx.session.isAdmin) throw new TRPCError({ code: "FORBIDDEN" });
  return next();
});
