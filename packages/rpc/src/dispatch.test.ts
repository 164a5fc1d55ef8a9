import { describe, expect, it } from "vitest";
import { z } from "zod";
import { handler, type CallHandlerFn, type CastHandlerFn } from "./bus.js";
import { ping } from "./conductor/ping.js";
import { defineCast } from "./contract.js";
import { dispatch, indexHandlers, type Inbound } from "./dispatch.js";
import { encodeMessage } from "./envelope.js";
import { RpcError } from "./errors.js";
import { capturingLogger } from "./testing/index.js";

const work = defineCast({
  service: "conductor",
  name: "work",
  version: "1.2",
  request: z.object({ n: z.number() }),
});
const ctx = { requestId: "req-abc" };

function inbound(
  kind: Inbound["kind"],
  contract: typeof ping | typeof work,
  payload: unknown,
  over: Partial<Inbound> = {},
): Inbound {
  const msg = encodeMessage(contract, payload, ctx);
  return { kind, ...msg, redelivered: false, deliveryCount: 0, ...over };
}

function setup(fns: { ping?: CallHandlerFn<typeof ping>; work?: CastHandlerFn<typeof work> }) {
  const { logger, lines } = capturingLogger();
  const { calls, casts } = indexHandlers("conductor", [
    handler(ping, fns.ping ?? ((p) => ({ echo: p.echo, host: "h" }))),
    handler(work, fns.work ?? (() => {})),
  ]);
  const handlers = new Map([...calls, ...casts]);
  return { lines, run: (msg: Inbound) => dispatch(msg, handlers, { logger, maxDeliveries: 3 }) };
}

describe("dispatch: calls", () => {
  it("replies with the handler's result and hands it the context and a bound logger", async () => {
    const { run, lines } = setup({
      ping: (p, meta) => {
        meta.logger.info("inside");
        return { echo: `${p.echo}!`, host: meta.ctx.requestId };
      },
    });
    expect(await run(inbound("call", ping, { echo: "hi" }))).toEqual({
      action: "ack",
      reply: { ok: true, reply: { echo: "hi!", host: "req-abc" } },
    });
    expect(lines.find((l) => l.msg === "inside")).toMatchObject({
      requestId: "req-abc",
      message: "conductor.ping",
    });
  });

  it("sends a typed error back as is", async () => {
    const { run } = setup({
      ping: () => {
        throw new RpcError("conflict", "in use", { id: "x" });
      },
    });
    expect(await run(inbound("call", ping, { echo: "" }))).toEqual({
      action: "ack",
      reply: { ok: false, error: { code: "conflict", message: "in use", details: { id: "x" } } },
    });
  });

  it("hides an unexpected error behind internal, logging the stack only here", async () => {
    const { run, lines } = setup({
      ping: () => {
        throw new Error("db password=secret");
      },
    });
    const outcome = await run(inbound("call", ping, { echo: "" }));
    expect(JSON.stringify(outcome)).not.toContain("secret");
    expect(outcome).toMatchObject({ reply: { ok: false, error: { code: "internal" } } });
    expect(lines.find((l) => l.level === 50)).toMatchObject({
      err: { message: "db password=secret" },
    });
  });

  it("answers invalid to a request that does not fit, or is from a newer major", async () => {
    const { run } = setup({});
    const bad = await run({
      ...inbound("call", ping, { echo: "" }),
      body: Buffer.from('{"echo":5}'),
    });
    expect(bad).toMatchObject({
      reply: { ok: false, error: { code: "invalid", details: { issues: [{ path: "echo" }] } } },
    });
    const newer = inbound("call", ping, { echo: "" });
    newer.headers["x-nimbus-version"] = "2.0";
    expect(await run(newer)).toMatchObject({
      reply: { ok: false, error: { code: "invalid", details: { supported: "1.0" } } },
    });
  });

  it("drops a call whose caller stopped waiting", async () => {
    let ran = false;
    const { run } = setup({
      ping: (p) => {
        ran = true;
        return { echo: p.echo, host: "h" };
      },
    });
    const late = inbound("call", ping, { echo: "" });
    late.headers["x-nimbus-deadline"] = Date.now() - 1;
    expect(await run(late)).toEqual({ action: "ack" });
    expect(ran).toBe(false);
  });

  it("does not let a reply outside the contract out", async () => {
    const { run } = setup({ ping: () => ({ echo: "x" }) as never });
    expect(await run(inbound("call", ping, { echo: "" }))).toMatchObject({
      reply: { ok: false, error: { code: "internal" } },
    });
  });
});

describe("dispatch: casts", () => {
  it("acks a cast that was handled", async () => {
    const seen: number[] = [];
    const { run } = setup({ work: (p) => void seen.push(p.n) });
    expect(await run(inbound("cast", work, { n: 7 }))).toEqual({ action: "ack" });
    expect(seen).toEqual([7]);
  });

  it("accepts an older minor and refuses a newer one or another major", async () => {
    const { run } = setup({});
    const at = (v: string) => {
      const m = inbound("cast", work, { n: 1 });
      m.headers["x-nimbus-version"] = v;
      return run(m);
    };
    expect(await at("1.0")).toEqual({ action: "ack" });
    expect(await at("1.3")).toMatchObject({
      action: "dead-letter",
      reason: expect.stringMatching(/version 1.3 is not supported/),
    });
    expect(await at("2.0")).toMatchObject({ action: "dead-letter" });
  });

  it("dead-letters a poison message at once with the validation error as the reason", async () => {
    const { run } = setup({});
    const outcome = await run({
      ...inbound("cast", work, { n: 1 }),
      body: Buffer.from('{"n":"one"}'),
    });
    expect(outcome).toMatchObject({
      action: "dead-letter",
      reason: expect.stringMatching(/invalid payload.*n/s),
    });
  });

  it("dead-letters messages without context, id or handler", async () => {
    const { run } = setup({});
    const base = inbound("cast", work, { n: 1 });
    expect(await run({ ...base, headers: { "x-nimbus-version": "1.2" } })).toMatchObject({
      action: "dead-letter",
      reason: expect.stringMatching(/context/),
    });
    expect(await run({ ...base, messageId: "" })).toMatchObject({
      action: "dead-letter",
      reason: "no message id",
    });
    expect(await run({ ...base, type: "conductor.nope" })).toMatchObject({
      action: "dead-letter",
      reason: "no handler for conductor.nope",
    });
  });

  it("retries a failing handler until the last delivery, then dead-letters with the error", async () => {
    const { run } = setup({
      work: () => {
        throw new Error("disk full");
      },
    });
    const at = (deliveryCount: number) => run(inbound("cast", work, { n: 1 }, { deliveryCount }));
    expect(await at(0)).toMatchObject({ action: "retry" });
    expect(await at(1)).toMatchObject({ action: "retry" });
    expect(await at(2)).toMatchObject({
      action: "dead-letter",
      reason: "failed after 3 attempt(s): Error: disk full",
    });
  });

  it("does not retry a deterministic typed error, nor a fanout copy", async () => {
    const { run } = setup({
      work: () => {
        throw new RpcError("not_found", "gone");
      },
    });
    expect(await run(inbound("cast", work, { n: 1 }))).toMatchObject({
      action: "dead-letter",
      reason: "failed after 1 attempt(s): not_found: gone",
    });
    const flaky = setup({
      work: () => {
        throw new Error("flaky");
      },
    });
    expect(await flaky.run(inbound("fanout", work, { n: 1 }))).toMatchObject({
      action: "dead-letter",
    });
  });
});

describe("indexHandlers", () => {
  it("refuses a handler for another service and duplicates", () => {
    const other = defineCast({
      service: "compute",
      name: "x",
      version: "1.0",
      request: z.object({}),
    });
    expect(() => indexHandlers("conductor", [handler(other, () => {})])).toThrow(
      /belongs to compute/,
    );
    expect(() =>
      indexHandlers("conductor", [handler(work, () => {}), handler(work, () => {})]),
    ).toThrow(/two handlers/);
  });
});
