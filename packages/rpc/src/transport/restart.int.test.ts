// The broker restarts in the middle of a stream of casts: nothing is lost, everyone reconnects.
// This stops the app of the machine's shared RabbitMQ for a few seconds; it is always restarted.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { pino } from "pino";
import { afterAll, beforeAll, expect, it } from "vitest";
import { handler, type Bus } from "../bus.js";
import { createMemoryDedupe, dedupe } from "../dedupe.js";
import { syncInstanceInfo } from "../scheduler/sync-instance-info.js";
import { createTestVhost, waitFor, type TestVhost } from "../testing/index.js";
import { connectBus } from "./amqp.js";

const run = promisify(execFile);
let vhost: TestVhost;
let restart: Promise<void> | undefined;
const buses: Bus[] = [];

async function restartBroker(): Promise<void> {
  try {
    await run("rabbitmqctl", ["stop_app"]);
  } finally {
    await run("rabbitmqctl", ["start_app"]);
  }
}

beforeAll(async () => {
  vhost = await createTestVhost();
});

afterAll(async () => {
  await restart?.catch(() => {}); // the broker must be back before anything else happens
  await Promise.all(buses.map((b) => b.close()));
  await vhost?.delete();
});

it(
  "handles every one of 1,000 casts exactly once across a broker restart",
  { timeout: 180_000 },
  async () => {
    const open = async (service: string, host: string) => {
      const bus = await connectBus({
        url: vhost.url,
        service,
        host,
        logger: pino({ level: "silent" }),
      });
      const events = { connected: 0, disconnected: 0 };
      bus.on("connected", () => events.connected++);
      bus.on("disconnected", () => events.disconnected++);
      buses.push(bus);
      return { bus, events };
    };

    // Two consumers sharing a dedupe store (the conductor's will be a table): a message redelivered
    // after the restart, or re-sent by a producer whose confirm was lost, is handled once.
    const effective: string[] = [];
    let deliveries = 0;
    const once = dedupe<typeof syncInstanceInfo>(
      createMemoryDedupe(),
      (p) => void effective.push(p.host),
    );
    const consumers = [await open("scheduler", "s1"), await open("scheduler", "s2")];
    for (const { bus } of consumers) {
      await bus.serve({ service: "scheduler" }, [
        handler(syncInstanceInfo, (p, meta) => {
          deliveries++;
          return once(p, meta);
        }),
      ]);
    }
    const producer = await open("web", "w1");

    const n = 1_000;
    const sends: Promise<void>[] = [];
    let sentWhileDown = 0;
    const started = Date.now();
    for (let i = 0; i < n; i++) {
      // A steady ~200 casts/s, so the restart (several seconds) lands in the middle of the stream.
      // This paces the load; it does not wait for anything to happen.
      const due = started + i * 5;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
      if (i === 300) restart = restartBroker();
      if (!producer.bus.connected) sentWhileDown++;
      sends.push(
        producer.bus.cast(
          syncInstanceInfo,
          { host: `m${i}`, instanceUuids: [] },
          { ctx: { requestId: `req-${i}` }, timeoutMs: 120_000 },
        ),
      );
    }
    const results = await Promise.allSettled(sends);
    await restart;
    expect(results.filter((r) => r.status === "rejected")).toEqual([]);

    await waitFor(() => new Set(effective).size === n, {
      timeoutMs: 60_000,
      what: `all ${n} casts handled`,
    });
    // Everyone comes back by themselves, even a consumer whose peer took the whole stream while it
    // was still backing off.
    const everyone = [...consumers, producer];
    await waitFor(() => everyone.every(({ events }) => events.connected >= 1), {
      timeoutMs: 60_000,
      what: "every bus reconnected",
    });
    // Stop consuming (waiting for handlers in flight) before counting, so late duplicates would show.
    await Promise.all(consumers.map(({ bus }) => bus.close()));
    expect(effective).toHaveLength(n);
    expect(new Set(effective).size).toBe(n);
    expect(deliveries).toBeGreaterThanOrEqual(n);

    // The restart really hit the stream.
    expect(sentWhileDown).toBeGreaterThan(0);
    for (const { events } of everyone) expect(events.disconnected).toBeGreaterThanOrEqual(1);
    console.log(
      `restart test: ${deliveries} deliveries for ${n} casts, ${sentWhileDown} sent while disconnected`,
    );
  },
);
