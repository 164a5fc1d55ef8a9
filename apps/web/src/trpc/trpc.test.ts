import { TRPCError } from "@trpc/server";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import type { AuthContext } from "../rest/context";
import { appRouter } from "./root";
import {
  adminProcedure,
  createCallerFactory,
  createTRPCRouter,
  protectedProcedure,
  publicProcedure,
  type TRPCContext,
} from "./trpc";

const log = pino({ level: "silent" });
const member: AuthContext = {
  userId: "alice",
  projectId: "p1",
  roles: ["member", "reader"],
  isAdmin: false,
};
const admin: AuthContext = {
  userId: "admin",
  projectId: "admin",
  roles: ["admin", "member", "reader"],
  isAdmin: true,
};
const ctx = (session: AuthContext | null): TRPCContext => ({ requestId: "req-test", log, session });

const router = createTRPCRouter({
  open: publicProcedure.query(({ ctx }) => ctx.session?.userId ?? "anonymous"),
  mine: protectedProcedure.query(({ ctx }) => ctx.session.projectId),
  everything: adminProcedure.query(() => "all projects"),
});
const caller = (session: AuthContext | null) => createCallerFactory(router)(ctx(session));

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
