// The AMQP bus against the real RabbitMQ, each test file in a vhost of its own.
import amqp from "amqplib";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { handler, type Bus, type HandlerMeta } from "../bus.js";
import { ping } from "../conductor/ping.js";
import { defineCall, defineCast } from "../contract.js";
import type { NotificationEvent } from "../contracts.js";
import { contextToHeaders, type RequestContext } from "../context.js";
import { RpcError } from "../errors.js";
import { serviceUpdateEvent } from "../notifications/service-update.js";
import { syncInstanceInfo } from "../scheduler/sync-instance-info.js";
import {
  capturingLogger,
  createTestVhost,
  drainDeadLetters,
  waitFor,
  type TestVhost,
} from "../testing/index.js";
import { connectBus, type AmqpBusOptions } from "./amqp.js";
import { coalesceWrites } from "./coalesce.js";
import { exchanges, queueNames } from "./topology.js";

let vhost: TestVhost;
const buses: Bus[] = [];
const silent = pino({ level: "silent" });
const ctx: RequestContext = {
  requestId: "req-int",
  userId: "u1",
  projectId: "p1",
  roles: ["member"],
};
const sync = (host: string) => ({ host, instanceUuids: [] });

// One delivery limit for the whole file: it is a queue argument, fixed once a queue exists.
const maxDeliveries = 3;

async function open(service: string, host: string, extra: Partial<AmqpBusOptions> = {}) {
  const bus = await connectBus({
    url: vhost.url,
    service,
    host,
    logger: silent,
    maxDeliveries,
    ...extra,
  });
  buses.push(bus);
  return bus;
}

async function raw<T>(fn: (ch: amqp.ConfirmChannel) => Promise<T>): Promise<T> {
  const conn = await amqp.connect(vhost.url);
  try {
    return await fn(await conn.createConfirmChannel());
  } finally {
    await conn.close();
  }
}

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { open, opened };
}

beforeAll(async () => {
  vhost = await createTestVhost();
});

afterEach(async () => {
  await Promise.all(buses.splice(0).map((b) => b.close()));
});

afterAll(async () => {
  await vhost?.delete();
});

describe("calls", () => {
  it("round-trips, carrying the context and the request id in every hop's logs", async () => {
    const conductorLog = capturingLogger();
    const schedulerLog = capturingLogger();
    const web = await open("web", "w1");
    const conductor = await open("conductor", "c1", { logger: conductorLog.logger });
    const scheduler = await open("scheduler", "s1", { logger: schedulerLog.logger });
    const seen: RequestContext[] = [];
    await scheduler.serve({ service: "scheduler" }, [
      handler(syncInstanceInfo, (_p, meta) => {
        seen.push(meta.ctx);
        meta.logger.info("syncing");
      }),
    ]);
    await conductor.serve({ service: "conductor" }, [
      handler(ping, async (p, meta) => {
        // The second hop: pass the context on, as every worker will.
        await conductor.cast(syncInstanceInfo, sync("c1"), { ctx: meta.ctx });
        return { echo: p.echo, host: "c1" };
      }),
    ]);

    expect(await web.call(ping, { echo: "hello" }, { ctx })).toEqual({ echo: "hello", host: "c1" });
    await waitFor(() => seen.length === 1, { what: "the cast from the conductor" });
    expect(seen[0]).toEqual(ctx);
    const handled = (lines: Record<string, unknown>[], message: string) =>
      lines.find((l) => l.msg === "handled" && l.message === message);
    expect(handled(conductorLog.lines, "conductor.ping")).toMatchObject({ requestId: "req-int" });
    await waitFor(() => handled(schedulerLog.lines, "scheduler.sync_instance_info"));
    expect(schedulerLog.lines.find((l) => l.msg === "syncing")).toMatchObject({
      requestId: "req-int",
      message: "scheduler.sync_instance_info",
    });
  });

  it("sends each turn's frames in one write on amqplib's own socket (docs/performance.md)", async () => {
    const conn = await amqp.connect(vhost.url);
    try {
      expect(coalesceWrites(conn)).toBe(true);
      const ch = await conn.createConfirmChannel();
      const { queue } = await ch.assertQueue("", { exclusive: true });
      for (const n of [1, 2, 3]) ch.sendToQueue(queue, Buffer.from(`m${n}`));
      await ch.waitForConfirms();
      const got = await Promise.all([1, 2, 3].map(() => ch.get(queue, { noAck: true })));
      expect(got.map((m) => m && m.content.toString())).toEqual(["m1", "m2", "m3"]);
    } finally {
      await conn.close();
    }
  });

  it("fails with a typed timeout when no reply comes in time", async () => {
    const web = await open("web", "w1");
    const conductor = await open("conductor", "c1");
    const g = gate();
    await conductor.serve({ service: "conductor" }, [
      handler(ping, async (p) => {
        await g.opened;
        return { echo: p.echo, host: "c1" };
      }),
    ]);
    const started = Date.now();
    const err = await web
      .call(ping, { echo: "" }, { ctx, timeoutMs: 300 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RpcError);
    expect(err).toMatchObject({ code: "timeout" });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    g.open();
  });

  it("sends typed errors back as they are and anything else as a generic internal error", async () => {
    const web = await open("web", "w1");
    const conductor = await open("conductor", "c1");
    let fail: Error = new RpcError("no_valid_host", "No valid host was found.", { attempts: 3 });
    await conductor.serve({ service: "conductor" }, [
      handler(ping, () => {
        throw fail;
      }),
    ]);
    await expect(web.call(ping, { echo: "" }, { ctx })).rejects.toMatchObject({
      code: "no_valid_host",
      message: "No valid host was found.",
      details: { attempts: 3 },
    });
    fail = new TypeError("Cannot read properties of undefined (reading 'vcpus')");
    const err = (await web.call(ping, { echo: "" }, { ctx }).catch((e: unknown) => e)) as RpcError;
    expect(err.code).toBe("internal");
    expect(err.message).not.toMatch(/vcpus/);
    expect(err.stack).not.toMatch(/TypeError/);
  });

  it("refuses a call from a newer major version with a typed error", async () => {
    const web = await open("web", "w1");
    const conductor = await open("conductor", "c1");
    await conductor.serve({ service: "conductor" }, [
      handler(ping, (p) => ({ echo: p.echo, host: "c1" })),
    ]);
    const pingV2 = defineCall({ ...ping, version: "2.0" });
    await expect(web.call(pingV2, { echo: "" }, { ctx })).rejects.toMatchObject({
      code: "invalid",
      details: { supported: "1.0" },
    });
  });

  it("reaches only the addressed host, and fails at once when nothing serves the target", async () => {
    const web = await open("web", "w1");
    for (const host of ["c1", "c2"]) {
      const bus = await open("conductor", host);
      await bus.serve({ service: "conductor" }, [handler(ping, (p) => ({ echo: p.echo, host }))]);
    }
    for (let i = 0; i < 4; i++) {
      expect(await web.call(ping, { echo: "" }, { ctx, host: "c2" })).toMatchObject({ host: "c2" });
    }
    const started = Date.now();
    await expect(web.call(ping, { echo: "" }, { ctx, host: "c9" })).rejects.toMatchObject({
      code: "unavailable",
      message: "nothing serves call.conductor.c9",
    });
    // A cast is queued even with no consumer once its queue exists; before that it is unroutable.
    const orphan = defineCast({
      service: "nobody",
      name: "job",
      version: "1.0",
      request: z.object({}),
    });
    await expect(web.cast(orphan, {}, { ctx })).rejects.toMatchObject({
      code: "unavailable",
      message: "nothing serves cast.nobody",
    });
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe("casts", () => {
  it("hands each cast to exactly one of N consumers", async () => {
    const web = await open("web", "w1");
    const handled: { host: string; id: string }[] = [];
    const consumers = ["s1", "s2", "s3"];
    for (const host of consumers) {
      const bus = await open("scheduler", host);
      await bus.serve({ service: "scheduler" }, [
        handler(syncInstanceInfo, (_p, meta) => void handled.push({ host, id: meta.messageId })),
      ]);
    }
    const n = 60;
    await Promise.all(
      Array.from({ length: n }, (_, i) => web.cast(syncInstanceInfo, sync(`h${i}`), { ctx })),
    );
    await waitFor(() => handled.length >= n, { what: `${n} casts handled` });
    // Stop every consumer (waiting for handlers in flight) so a stray second delivery would show.
    await Promise.all(buses.splice(0).map((b) => b.close()));
    expect(handled).toHaveLength(n);
    expect(new Set(handled.map((h) => h.id)).size).toBe(n);
    expect(new Set(handled.map((h) => h.host)).size).toBeGreaterThan(1);
    const left = await raw((ch) => ch.checkQueue(queueNames.cast("scheduler")));
    expect(left.messageCount).toBe(0);
  });

  it("fans out to every instance, and host-addressed casts reach that host only", async () => {
    const web = await open("web", "w1");
    const got: { host: string; payload: string }[] = [];
    for (const host of ["s1", "s2", "s3"]) {
      const bus = await open("scheduler", host);
      await bus.serve({ service: "scheduler" }, [
        handler(syncInstanceInfo, (p) => void got.push({ host, payload: p.host })),
      ]);
    }
    await web.fanout(syncInstanceInfo, sync("everyone"), { ctx });
    await web.cast(syncInstanceInfo, sync("only-s3"), { ctx, host: "s3" });
    await waitFor(() => got.length >= 4, { what: "three fanout copies and one addressed cast" });
    await Promise.all(buses.splice(0).map((b) => b.close()));
    expect(
      got
        .filter((g) => g.payload === "everyone")
        .map((g) => g.host)
        .sort(),
    ).toEqual(["s1", "s2", "s3"]);
    expect(got.filter((g) => g.payload === "only-s3")).toEqual([
      { host: "s3", payload: "only-s3" },
    ]);
  });

  it("surfaces a publisher confirm the broker refuses as an error", async () => {
    // A bounded queue that refuses publishes when full (overflow = reject-publish) nacks them.
    const limited = defineCast({
      service: "limited",
      name: "job",
      version: "1.0",
      request: z.object({ i: z.number() }),
    });
    const web = await open("web", "w1");
    await raw(async (ch) => {
      const q = queueNames.cast("limited");
      await ch.assertQueue(q, {
        durable: true,
        arguments: { "x-queue-type": "quorum", "x-max-length": 1, "x-overflow": "reject-publish" },
      });
      await ch.bindQueue(q, exchanges.rpc, q);
    });
    const results = [];
    for (let i = 0; i < 5; i++) {
      results.push(
        await web.cast(limited, { i }, { ctx, timeoutMs: 400 }).then(
          () => "ok",
          (e: unknown) => e,
        ),
      );
    }
    expect(results[0]).toBe("ok");
    const refused = results.filter((r) => r instanceof RpcError);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]).toMatchObject({
      code: "unavailable",
      message: expect.stringMatching(/refused by the broker/),
    });
    await raw((ch) => ch.deleteQueue(queueNames.cast("limited")));
  });
});

describe("dead letters", () => {
  it("dead-letters a message whose handler keeps failing after the configured tries, with the reason", async () => {
    const web = await open("web", "w1");
    const worker = await open("scheduler", "s1");
    const deliveries: Pick<HandlerMeta, "deliveryCount" | "redelivered">[] = [];
    await worker.serve({ service: "scheduler" }, [
      handler(syncInstanceInfo, (_p, { deliveryCount, redelivered }) => {
        deliveries.push({ deliveryCount, redelivered });
        throw new Error("database is on fire");
      }),
    ]);
    await web.cast(syncInstanceInfo, sync("poison"), { ctx });
    const dead = await waitFor(
      async () => {
        const d = await drainDeadLetters(
          vhost.url,
          queueNames.deadLetter(queueNames.cast("scheduler")),
        );
        return d.length > 0 && d;
      },
      { what: "the dead letter" },
    );
    expect(dead).toEqual([
      expect.objectContaining({
        type: "scheduler.sync_instance_info",
        reason: "failed after 3 attempt(s): Error: database is on fire",
        attempts: 3,
        body: sync("poison"),
        headers: expect.objectContaining({ "x-nimbus-request-id": "req-int" }),
      }),
    ]);
    expect(deliveries).toEqual([
      { deliveryCount: 0, redelivered: false },
      { deliveryCount: 1, redelivered: true },
      { deliveryCount: 2, redelivered: true },
    ]);
  });

  it("dead-letters at once what does not fit its contract or version, with the reason", async () => {
    const worker = await open("scheduler", "s1");
    let handled = 0;
    await worker.serve({ service: "scheduler" }, [handler(syncInstanceInfo, () => void handled++)]);
    const q = queueNames.cast("scheduler");
    const send = (messageId: string, version: string, body: unknown) =>
      raw(async (ch) => {
        ch.publish(exchanges.rpc, q, Buffer.from(JSON.stringify(body)), {
          messageId,
          type: syncInstanceInfo.key,
          persistent: true,
          headers: { ...contextToHeaders(ctx), "x-nimbus-version": version },
        });
        await ch.waitForConfirms();
      });
    await send("bad-shape", "1.0", { host: "x", instanceUuids: ["not-a-uuid"] });
    await send("too-new", "2.0", sync("x"));
    const dlq = queueNames.deadLetter(q);
    const dead: Awaited<ReturnType<typeof drainDeadLetters>> = [];
    await waitFor(
      async () => (dead.push(...(await drainDeadLetters(vhost.url, dlq))), dead.length >= 2),
      {
        what: "two dead letters",
      },
    );
    const byId = Object.fromEntries(dead.map((d) => [d.messageId, d]));
    expect(byId["bad-shape"]?.reason).toMatch(/^invalid payload: .*instanceUuids/s);
    expect(byId["bad-shape"]?.attempts).toBe(1);
    expect(byId["too-new"]?.reason).toBe(
      "scheduler.sync_instance_info version 2.0 is not supported",
    );
    expect(handled).toBe(0);
  });

  it("lets the broker dead-letter a message whose consumers keep dying (delivery limit)", async () => {
    const q = queueNames.cast("scheduler");
    const declaring = await open("scheduler", "s1");
    await declaring.serve({ service: "scheduler" }, [handler(syncInstanceInfo, () => {})]);
    await Promise.all(buses.splice(0).map((b) => b.close()));
    // A consumer that never settles properly: every delivery comes back, as after a crash.
    let deliveries = 0;
    const conn = await amqp.connect(vhost.url);
    try {
      const ch = await conn.createConfirmChannel();
      await ch.consume(q, (m) => {
        if (!m) return;
        deliveries++;
        ch.nack(m, false, true);
      });
      ch.publish(exchanges.rpc, q, Buffer.from("{}"), { messageId: "crasher", persistent: true });
      await ch.waitForConfirms();
      const [dead] = await waitFor(
        async () => {
          const d = await drainDeadLetters(vhost.url, queueNames.deadLetter(q));
          return d.length > 0 && d;
        },
        { what: "the broker's dead letter" },
      );
      expect(dead).toMatchObject({ messageId: "crasher", reason: "delivery_limit" });
      expect(deliveries).toBe(maxDeliveries);
    } finally {
      await conn.close();
    }
  });
});

describe("repair", () => {
  it("answers the calls that waited in its queue while it reconnected", async () => {
    // Prefetch 1 and a handler held shut: the first call is in hand, the others wait in the queue.
    const worker = await open("conductor", "c1", { prefetch: 1 });
    const web = await open("web", "w1");
    const held = gate();
    let started = 0;
    await worker.serve({ service: "conductor" }, [
      handler(ping, async (req) => {
        started++;
        await held.opened;
        return { echo: req.echo, host: "c1" };
      }),
    ]);
    const echoes = Array.from({ length: 10 }, (_, i) => String(i));
    const calls = Promise.all(
      echoes.map((echo) => web.call(ping, { echo }, { ctx, timeoutMs: 10_000 })),
    );
    await waitFor(() => started === 1, { what: "the first call in hand" });
    // A queue deleted under the worker makes it reconnect; its backlog is delivered, and handled,
    // while the new connection is still being set up.
    let reconnected = false;
    worker.on("connected", () => (reconnected = true));
    await raw((ch) => ch.deleteQueue(queueNames.call("conductor", "c1")));
    held.open();
    await waitFor(() => reconnected, { what: "the worker to reconnect" });
    expect((await calls).map((r) => r.echo)).toEqual(echoes);
  });

  it("reconnects and declares a work queue again when it is deleted under a running server", async () => {
    const web = await open("web", "w1");
    const worker = await open("scheduler", "s1");
    const got: string[] = [];
    await worker.serve({ service: "scheduler" }, [
      handler(syncInstanceInfo, (p) => void got.push(p.host)),
    ]);
    let reconnected = false;
    worker.on("connected", () => (reconnected = true));
    await raw((ch) => ch.deleteQueue(queueNames.cast("scheduler")));
    await waitFor(() => reconnected, { what: "the server to reconnect" });
    await web.cast(syncInstanceInfo, sync("after"), { ctx });
    await waitFor(() => got.includes("after"), { what: "the cast on the re-declared queue" });
  });
});

describe("shutdown", () => {
  it("finishes the handlers in flight before close() resolves, and acks their messages", async () => {
    const web = await open("web", "w1");
    const worker = await open("scheduler", "s1");
    const g = gate();
    let started = false;
    let finished = false;
    await worker.serve({ service: "scheduler" }, [
      handler(syncInstanceInfo, async () => {
        started = true;
        await g.opened;
        finished = true;
      }),
    ]);
    await web.cast(syncInstanceInfo, sync("slow"), { ctx });
    await waitFor(() => started, { what: "the handler to start" });
    let closed = false;
    const closing = worker.close().then(() => (closed = true));
    // A full round trip through the broker gives close() every chance to return early.
    const pong = await open("conductor", "c1");
    await pong.serve({ service: "conductor" }, [
      handler(ping, (p) => ({ echo: p.echo, host: "c1" })),
    ]);
    await web.call(ping, { echo: "" }, { ctx });
    expect(closed).toBe(false);
    g.open();
    await closing;
    expect(finished).toBe(true);
    const left = await raw((ch) => ch.checkQueue(queueNames.cast("scheduler")));
    expect(left.messageCount).toBe(0);
  });
});

describe("notifications", () => {
  it("reach every subscriber whose pattern matches", async () => {
    const conductor = await open("conductor", "c1");
    const a: NotificationEvent[] = [];
    const b: NotificationEvent[] = [];
    const web1 = await open("web", "w1");
    const web2 = await open("web", "w2");
    await web1.subscribe(["service.*"], (e) => void a.push(e));
    await web2.subscribe(["#"], (e) => void b.push(e));
    const payload = {
      binary: "nimbus-compute",
      host: "n1",
      state: "down",
      status: "enabled",
      disabledReason: null,
      lastSeenUp: "2026-01-01T00:00:00.000Z",
    } as const;
    await conductor.publish(serviceUpdateEvent, payload, { ctx });
    await waitFor(() => a.length === 1 && b.length === 1, { what: "both subscribers" });
    expect(a[0]).toEqual({ type: "service.update", version: "1.0", payload });
    expect(b[0]).toEqual(a[0]);
  });
});
