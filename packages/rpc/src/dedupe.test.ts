import { pino } from "pino";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import type { HandlerMeta } from "./bus.js";
import type { CastContract } from "./contract.js";
import { createMemoryDedupe, dedupe } from "./dedupe.js";

type Bump = CastContract<z.ZodObject<{ n: z.ZodNumber }>>;

const meta = (messageId: string): HandlerMeta => ({
  ctx: { requestId: "r" },
  messageId,
  redelivered: false,
  deliveryCount: 0,
  version: "1.0",
  logger: pino({ level: "silent" }),
});

describe("memory dedupe store", () => {
  it("forgets the least recently remembered id beyond its capacity", async () => {
    const store = createMemoryDedupe(2);
    await store.remember("a");
    await store.remember("b");
    await store.remember("a"); // refreshes a
    await store.remember("c"); // evicts b
    expect([await store.seen("a"), await store.seen("b"), await store.seen("c")]).toEqual([
      true,
      false,
      true,
    ]);
  });
});

describe("dedupe()", () => {
  it("runs a handler once per message id", async () => {
    const calls: string[] = [];
    const fn = dedupe<Bump>(
      createMemoryDedupe(),
      (p, m) => void calls.push(`${m.messageId}:${p.n}`),
    );
    await fn({ n: 1 }, meta("m1"));
    await fn({ n: 1 }, meta("m1"));
    await fn({ n: 2 }, meta("m2"));
    expect(calls).toEqual(["m1:1", "m2:2"]);
  });

  it("lets a failed attempt be retried", async () => {
    let attempts = 0;
    const fn = dedupe<Bump>(createMemoryDedupe(), () => {
      if (++attempts === 1) throw new Error("first try fails");
    });
    await expect(fn({ n: 0 }, meta("m1"))).rejects.toThrow("first try fails");
    await fn({ n: 0 }, meta("m1"));
    await fn({ n: 0 }, meta("m1"));
    expect(attempts).toBe(2);
  });

  it("skips a copy that arrives while the first is still running", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let runs = 0;
    const fn = dedupe<Bump>(createMemoryDedupe(), async () => {
      runs++;
      await gate;
    });
    const first = fn({ n: 0 }, meta("m1"));
    await fn({ n: 0 }, meta("m1"));
    release();
    await first;
    expect(runs).toBe(1);
  });
});
