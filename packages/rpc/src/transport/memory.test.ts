import { describe, expect, it } from "vitest";
import { z } from "zod";
import { handler, type HandlerMeta } from "../bus.js";
import { ping } from "../conductor/ping.js";
import { defineCast } from "../contract.js";
import type { NotificationEvent } from "../contracts.js";
import { RpcError } from "../errors.js";
import { serviceUpdateEvent } from "../notifications/service-update.js";
import { syncInstanceInfo } from "../scheduler/sync-instance-info.js";
import { createMemoryBus, topicMatches } from "./memory.js";

const ctx = { requestId: "req-mem", userId: "u1", roles: ["member"] };
const sync = (host: string) => ({ host, instanceUuids: [] });
const up = {
  binary: "nimbus-compute",
  host: "node1",
  state: "up",
  status: "enabled",
  disabledReason: null,
  lastSeenUp: null,
} as const;

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { open, opened };
}

describe("memory bus: calls", () => {
  it("returns the typed reply and hands the context to the handler", async () => {
    const bus = createMemoryBus();
    let seen: HandlerMeta | undefined;
    await bus.serve({ service: "conductor", host: "c1" }, [
      handler(ping, (p, meta) => {
        seen = meta;
        return { echo: p.echo, host: "c1" };
      }),
    ]);
    expect(await bus.call(ping, { echo: "hi" }, { ctx })).toEqual({ echo: "hi", host: "c1" });
    expect(seen?.ctx).toEqual(ctx);
  });

  it("rethrows typed errors and hides others behind internal", async () => {
    const bus = createMemoryBus();
    let fail: Error = new RpcError("not_found", "no such server");
    await bus.serve({ service: "conductor" }, [
      handler(ping, () => {
        throw fail;
      }),
    ]);
    await expect(bus.call(ping, { echo: "" }, { ctx })).rejects.toMatchObject({
      code: "not_found",
      message: "no such server",
    });
    fail = new Error("stack and secrets");
    const err = await bus.call(ping, { echo: "" }, { ctx }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RpcError);
    expect(err).toMatchObject({ code: "internal" });
    expect((err as Error).message).not.toContain("secrets");
  });

  it("times out with a typed error", async () => {
    const bus = createMemoryBus();
    const g = gate();
    await bus.serve({ service: "conductor" }, [
      handler(ping, async (p) => {
        await g.opened;
        return { echo: p.echo, host: "h" };
      }),
    ]);
    await expect(bus.call(ping, { echo: "" }, { ctx, timeoutMs: 30 })).rejects.toMatchObject({
      code: "timeout",
    });
    g.open();
  });

  it("fails at once when nothing serves the target", async () => {
    const bus = createMemoryBus();
    await expect(bus.call(ping, { echo: "" }, { ctx })).rejects.toMatchObject({
      code: "unavailable",
    });
    await expect(bus.cast(syncInstanceInfo, sync("h"), { ctx })).rejects.toMatchObject({
      code: "unavailable",
    });
  });

  it("validates before sending", async () => {
    const bus = createMemoryBus();
    await bus.serve({ service: "conductor" }, [
      handler(ping, (p) => ({ echo: p.echo, host: "h" })),
    ]);
    await expect(bus.call(ping, { echo: 1 } as never, { ctx })).rejects.toMatchObject({
      code: "invalid",
    });
  });
});

describe("memory bus: casts", () => {
  it("hands a cast over and handles it later, like the broker", async () => {
    const bus = createMemoryBus();
    const hosts: string[] = [];
    await bus.serve({ service: "scheduler" }, [
      handler(syncInstanceInfo, (p) => void hosts.push(p.host)),
    ]);
    await bus.cast(syncInstanceInfo, sync("a"), { ctx });
    expect(hosts).toEqual([]);
    await bus.idle();
    expect(hosts).toEqual(["a"]);
  });

  it("awaits the handler and rethrows its error in castsAsCalls mode", async () => {
    const bus = createMemoryBus({ castsAsCalls: true });
    const hosts: string[] = [];
    await bus.serve({ service: "scheduler" }, [
      handler(syncInstanceInfo, (p) => {
        if (p.host === "bad") throw new RpcError("conflict", "nope");
        hosts.push(p.host);
      }),
    ]);
    await bus.cast(syncInstanceInfo, sync("a"), { ctx });
    expect(hosts).toEqual(["a"]);
    await expect(bus.cast(syncInstanceInfo, sync("bad"), { ctx })).rejects.toMatchObject({
      code: "conflict",
    });
  });

  it("gives each cast to one consumer, in turn, and host-addressed ones to that host only", async () => {
    const bus = createMemoryBus();
    const got: string[] = [];
    for (const host of ["n1", "n2", "n3"]) {
      await bus.serve({ service: "scheduler", host }, [
        handler(syncInstanceInfo, () => void got.push(host)),
      ]);
    }
    for (let i = 0; i < 6; i++) await bus.cast(syncInstanceInfo, sync("x"), { ctx });
    await bus.idle();
    expect(got.sort()).toEqual(["n1", "n1", "n2", "n2", "n3", "n3"]);
    got.length = 0;
    await bus.cast(syncInstanceInfo, sync("x"), { ctx, host: "n2" });
    await bus.idle();
    expect(got).toEqual(["n2"]);
  });

  it("fans out to every instance", async () => {
    const bus = createMemoryBus();
    const got: string[] = [];
    for (const host of ["n1", "n2", "n3"]) {
      await bus.serve({ service: "scheduler", host }, [
        handler(syncInstanceInfo, () => void got.push(host)),
      ]);
    }
    await bus.fanout(syncInstanceInfo, sync("x"), { ctx });
    await bus.idle();
    expect(got.sort()).toEqual(["n1", "n2", "n3"]);
  });

  it("retries a failing cast, then dead-letters it with the reason", async () => {
    const bus = createMemoryBus({ maxDeliveries: 3 });
    const deliveries: [number, boolean][] = [];
    await bus.serve({ service: "scheduler" }, [
      handler(syncInstanceInfo, (_p, meta) => {
        deliveries.push([meta.deliveryCount, meta.redelivered]);
        throw new Error("always");
      }),
    ]);
    await bus.cast(syncInstanceInfo, sync("x"), { ctx });
    await bus.idle();
    expect(deliveries).toEqual([
      [0, false],
      [1, true],
      [2, true],
    ]);
    expect(bus.deadLetters).toEqual([
      expect.objectContaining({
        queue: "cast.scheduler",
        type: "scheduler.sync_instance_info",
        reason: "failed after 3 attempt(s): Error: always",
        attempts: 3,
        body: sync("x"),
      }),
    ]);
  });

  it("lets close() finish the handlers in flight", async () => {
    const bus = createMemoryBus();
    const g = gate();
    let done = false;
    await bus.serve({ service: "scheduler" }, [
      handler(syncInstanceInfo, async () => {
        await g.opened;
        done = true;
      }),
    ]);
    await bus.cast(syncInstanceInfo, sync("x"), { ctx });
    const closed = bus.close();
    g.open();
    await closed;
    expect(done).toBe(true);
    await expect(bus.cast(syncInstanceInfo, sync("x"), { ctx })).rejects.toMatchObject({
      code: "unavailable",
    });
  });
});

describe("memory bus: notifications", () => {
  it("delivers events to the subscribers whose patterns match", async () => {
    const bus = createMemoryBus({ castsAsCalls: true });
    const services: NotificationEvent[] = [];
    const everything: NotificationEvent[] = [];
    const instances: NotificationEvent[] = [];
    await bus.subscribe(["service.*"], (e) => void services.push(e));
    await bus.subscribe(["#"], (e) => void everything.push(e));
    await bus.subscribe(["instance.*"], (e) => void instances.push(e));
    await bus.publish(serviceUpdateEvent, up, { ctx });
    expect(services).toEqual([{ type: "service.update", version: "1.0", payload: up }]);
    expect(everything).toHaveLength(1);
    expect(instances).toEqual([]);
  });
});

describe("topicMatches", () => {
  it.each([
    ["instance.*", "instance.update", true],
    ["instance.*", "instance.action.start", false],
    ["instance.#", "instance.action.start", true],
    ["instance.#", "instance", true],
    ["#", "service.update", true],
    ["*.update", "service.update", true],
    ["service.update", "service.create", false],
  ])("%s ~ %s: %s", (pattern, key, ok) => {
    expect(topicMatches(pattern, key)).toBe(ok);
  });
});

it("refuses a handler whose contract belongs to another service", async () => {
  const other = defineCast({
    service: "compute",
    name: "noop",
    version: "1.0",
    request: z.object({}),
  });
  await expect(
    createMemoryBus().serve({ service: "scheduler" }, [handler(other, () => {})]),
  ).rejects.toThrow(/belongs to compute/);
});
