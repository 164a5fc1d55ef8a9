import { RpcError } from "@nimbus/rpc";
import { createMemoryBus } from "@nimbus/rpc/memory";
import { TRPCError } from "@trpc/server";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { appRouter } from "./root";
import {
  adminProcedure,
  createCallerFactory,
  createTRPCRouter,
  protectedProcedure,
  publicProcedure,
  type Session,
  type TRPCContext,
} from "./trpc";

const log = pino({ level: "silent" });
const member: Session = {
  userId: "alice",
  projectId: "p1",
  roles: ["member", "reader"],
  isAdmin: false,
  userName: "alice",
  projectName: "p1",
  expiresAt: "2026-11-21T09:00:00Z",
};
const admin: Session = {
  ...member,
  userId: "admin",
  projectId: "admin",
  roles: ["admin", "member", "reader"],
  isAdmin: true,
};
const ctx = (session: Session | null, over: Partial<TRPCContext> = {}): TRPCContext => ({
  requestId: "req-test",
  log,
  bus: createMemoryBus(),
  session,
  token: session && "a-token",
  expired: false,
  csrf: { ok: true },
  cookies: { set() {}, clear() {} },
  identity: null,
  settings: { stuckTaskSeconds: 600 },
  imagesDir: "/nonexistent",
  ...over,
});

const router = createTRPCRouter({
  open: publicProcedure.query(({ ctx }) => ctx.session?.userId ?? "anonymous"),
  mine: protectedProcedure.query(({ ctx }) => ctx.svc.projectId),
  everything: adminProcedure.query(() => "all projects"),
  change: publicProcedure.mutation(() => "changed"),
  fails: publicProcedure.query((): string => {
    throw new RpcError("conflict", "Cannot 'stop' instance x while it is in vm_state stopped");
  }),
  breaks: publicProcedure.query((): string => {
    throw new Error("SELECT * FROM secrets failed");
  }),
});
const caller = (session: Session | null, over: Partial<TRPCContext> = {}) =>
  createCallerFactory(router)(ctx(session, over));

async function code(p: Promise<unknown>) {
  try {
    await p;
  } catch (err) {
    if (err instanceof TRPCError) return err.code;
    throw err;
  }
  return "OK";
}

describe("procedures", () => {
  it("publicProcedure serves anyone", async () => {
    expect(await caller(null).open()).toBe("anonymous");
    expect(await caller(member).open()).toBe("alice");
  });

  it("protectedProcedure needs a session", async () => {
    expect(await code(caller(null).mine())).toBe("UNAUTHORIZED");
    expect(await caller(member).mine()).toBe("p1");
  });

  it("refuses mutations that did not come from the dashboard's pages, but not queries", async () => {
    const offsite = { csrf: { ok: false as const, reason: "cross-site request" } };
    expect(await code(caller(member, offsite).change())).toBe("FORBIDDEN");
    expect(await caller(member, offsite).mine()).toBe("p1");
  });

  it("carries a service's refusal in its own words, and hides an unexpected error", async () => {
    const err = await caller(null)
      .fails()
      .catch((e: TRPCError) => e);
    expect(err).toMatchObject({
      code: "CONFLICT",
      message: "Cannot 'stop' instance x while it is in vm_state stopped",
    });
    const broken = await caller(null)
      .breaks()
      .catch((e: TRPCError) => e);
    expect(broken).toMatchObject({
      code: "INTERNAL_SERVER_ERROR",
      message: "Unexpected error. Please report it with request id req-test.",
    });
  });

  it("says a session has ended when its cookie's token is no longer valid", async () => {
    const err = await caller(null, { expired: true })
      .mine()
      .catch((e: TRPCError) => e);
    expect(err).toMatchObject({
      code: "UNAUTHORIZED",
      message: "Your session has ended. Sign in again.",
    });
  });

  it("adminProcedure needs an administrator", async () => {
    expect(await code(caller(null).everything())).toBe("UNAUTHORIZED");
    expect(await code(caller(member).everything())).toBe("FORBIDDEN");
    expect(await caller(admin).everything()).toBe("all projects");
  });
});

describe("appRouter", () => {
  it("answers health.check", async () => {
    expect(await createCallerFactory(appRouter)(ctx(null)).health.check()).toEqual({
      status: "ok",
    });
  });
});
