// The keystone strategy's cache on the in-memory bus: a validation is reused for at most the cache
// time and never past the token's expiry, and identity.change drops exactly what it touches.
import type { EventEmitter } from "node:events";
import { handler, identityChangeEvent, RpcError, validateToken, type TokenData } from "@nimbus/rpc";
import { createMemoryBus, type MemoryBus } from "@nimbus/rpc/memory";
import { capturingLogger } from "@nimbus/rpc/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tokenHashOf } from "../../services/identity";
import { keystone, type KeystoneStrategy } from "./keystone";

const T0 = Date.parse("2026-11-21T08:00:00Z");

function tokenData(n: number, over: Partial<TokenData> = {}): TokenData {
  return {
    user: { id: `user${n}`.padEnd(32, "0"), name: `user${n}`, domainId: "default" },
    project: { id: `proj${n}`.padEnd(32, "0"), name: `proj${n}`, domainId: "default" },
    domain: null,
    roles: [
      { id: "m".repeat(32), name: "member" },
      { id: "r".repeat(32), name: "reader" },
    ],
    methods: ["password"],
    auditId: `audit${n}`,
    issuedAt: new Date(T0).toISOString(),
    expiresAt: new Date(T0 + 3600_000).toISOString(),
    ...over,
  };
}

let bus: MemoryBus;
let auth: KeystoneStrategy;
let clock: number;
/** token → what validate_token answers; absent: unauthorized */
let tokens: Map<string, TokenData>;
let validations: number;

beforeEach(async () => {
  bus = createMemoryBus({ castsAsCalls: true });
  tokens = new Map();
  validations = 0;
  clock = T0;
  await bus.serve({ service: "conductor" }, [
    handler(validateToken, (req) => {
      validations++;
      for (const [token, data] of tokens) if (tokenHashOf(token) === req.tokenHash) return data;
      throw new RpcError("unauthorized", "The request you have made requires authentication.");
    }),
  ]);
  auth = await keystone({ bus, log: capturingLogger("silent").logger, now: () => clock });
});
afterEach(async () => {
  await auth.close?.();
  await bus.close();
});

const publish = async (payload: Parameters<typeof bus.publish<typeof identityChangeEvent>>[1]) => {
  await bus.publish(identityChangeEvent, payload, { ctx: { requestId: "req-test" } });
  await bus.idle();
};

describe("the keystone strategy", () => {
  it("turns a token into its holder, and refuses an unknown one", async () => {
    tokens.set("good", tokenData(1, { roles: [{ id: "a".repeat(32), name: "admin" }] }));
    expect(await auth.authenticate("good")).toEqual({
      userId: tokenData(1).user.id,
      projectId: tokenData(1).project!.id,
      roles: ["admin"],
      isAdmin: true,
    });
    expect(await auth.authenticate("bad")).toBeNull();
    // Unscoped: no project, no roles.
    tokens.set("unscoped", tokenData(2, { project: null, roles: [] }));
    expect(await auth.authenticate("unscoped")).toMatchObject({ projectId: null, isAdmin: false });
  });

  it("asks the conductor again after 30 s, and never uses an entry past the token's expiry", async () => {
    tokens.set("a", tokenData(1));
    await auth.authenticate("a");
    await auth.authenticate("a");
    expect(validations).toBe(1);
    clock += 30_001;
    await auth.authenticate("a");
    expect(validations).toBe(2);

    tokens.set("short", tokenData(3, { expiresAt: new Date(T0 + 40_000).toISOString() }));
    clock = T0 + 35_000;
    expect(await auth.authenticate("short")).not.toBeNull();
    clock = T0 + 40_000;
    tokens.delete("short"); // the conductor refuses it once expired
    expect(await auth.authenticate("short")).toBeNull();
  });

  it("drops a revoked token's entry when identity.change names its audit id, and only it", async () => {
    tokens.set("a", tokenData(1));
    tokens.set("b", tokenData(2));
    await auth.authenticate("a");
    await auth.authenticate("b");
    tokens.delete("a");
    await publish({ kind: "token", id: "audit1" });
    expect(await auth.authenticate("a")).toBeNull();
    expect(await auth.authenticate("b")).not.toBeNull();
    expect(validations).toBe(3);
  });

  it("drops the entries of a user, a project or an assignment's user; everything for a role", async () => {
    for (const n of [1, 2, 3]) tokens.set(`t${n}`, tokenData(n));
    const warm = async () => {
      for (const n of [1, 2, 3]) await auth.authenticate(`t${n}`);
    };
    await warm();
    expect(auth.cached).toBe(3);
    await publish({ kind: "user", id: tokenData(1).user.id });
    expect(auth.cached).toBe(2);
    await publish({ kind: "project", id: tokenData(2).project!.id });
    expect(auth.cached).toBe(1);
    await publish({ kind: "assignment", id: "whatever", userId: tokenData(3).user.id });
    expect(auth.cached).toBe(0);
    await warm();
    await publish({ kind: "role", id: "r".repeat(32) });
    expect(auth.cached).toBe(0);
  });

  it("forgets a token revoked here at once, and everything after a reconnect", async () => {
    tokens.set("a", tokenData(1));
    tokens.set("b", tokenData(2));
    await auth.authenticate("a");
    await auth.authenticate("b");
    auth.forget?.("a");
    expect(auth.cached).toBe(1);
    // The memory bus never reconnects; it is an EventEmitter, so say it did.
    (bus as unknown as EventEmitter).emit("connected");
    expect(auth.cached).toBe(0);
  });

  it("keeps at most maxEntries, and lets a conductor outage through as an error (503), not a 401", async () => {
    await auth.close?.();
    auth = await keystone({ bus, log: capturingLogger("silent").logger, maxEntries: 2 });
    for (const n of [1, 2, 3]) {
      tokens.set(`t${n}`, tokenData(n));
      await auth.authenticate(`t${n}`);
    }
    expect(auth.cached).toBe(2);

    const lonely = createMemoryBus();
    const cut = await keystone({ bus: lonely, log: capturingLogger("silent").logger });
    await expect(cut.authenticate("anything")).rejects.toMatchObject({ code: "unavailable" });
    await cut.close?.();
    await lonely.close();
  });
});
