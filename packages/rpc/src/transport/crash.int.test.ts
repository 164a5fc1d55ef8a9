// A consumer process killed mid-handler loses nothing: its unacknowledged message goes to another.
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import amqp from "amqplib";
import { pino } from "pino";
import { afterAll, beforeAll, expect, it } from "vitest";
import { handler, type Bus, type HandlerMeta } from "../bus.js";
import { syncInstanceInfo } from "../scheduler/sync-instance-info.js";
import { createTestVhost, waitFor, type TestVhost } from "../testing/index.js";
import { connectBus } from "./amqp.js";
import { queueNames } from "./topology.js";

const fixture = fileURLToPath(new URL("../../test/fixtures/crash-consumer.ts", import.meta.url));
let vhost: TestVhost;
let child: ChildProcess | undefined;
const buses: Bus[] = [];

beforeAll(async () => {
  vhost = await createTestVhost();
});

afterAll(async () => {
  child?.kill("SIGKILL");
  await Promise.all(buses.map((b) => b.close()));
  await vhost?.delete();
});

it("redelivers the message of a consumer killed mid-handler to another, which handles it once", async () => {
  const open = async (host: string) => {
    const bus = await connectBus({
      url: vhost.url,
      service: "scheduler",
      host,
      maxDeliveries: 3,
      logger: pino({ level: "silent" }),
    });
    buses.push(bus);
    return bus;
  };

  // `node --import tsx` rather than the tsx CLI, so the pid we kill is the consumer itself.
  child = spawn(process.execPath, ["--import", "tsx", fixture, vhost.url], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout!.on("data", (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child!.on("exit", (_code, signal) => resolve(signal)),
  );
  await waitFor(() => out.includes("ready\n"), { what: "the child consumer", timeoutMs: 20_000 });

  const web = await open("w1");
  await web.cast(
    syncInstanceInfo,
    { host: "n1", instanceUuids: [] },
    { ctx: { requestId: "req-crash" } },
  );
  const messageId = await waitFor(() => /handling (\S+)\n/.exec(out)?.[1], {
    what: "the child to start handling",
  });

  // The survivor starts while the child still holds the message unacknowledged.
  const handled: HandlerMeta[] = [];
  const survivor = await open("survivor");
  await survivor.serve({ service: "scheduler" }, [
    handler(syncInstanceInfo, (_p, meta) => void handled.push(meta)),
  ]);
  expect(handled).toEqual([]);

  child.kill("SIGKILL");
  expect(await exited).toBe("SIGKILL");
  await waitFor(() => handled.length > 0, { what: "the redelivery" });

  // Closing waits for handlers in flight and their acks; then nothing may be left or handled twice.
  await survivor.close();
  expect(handled).toHaveLength(1);
  expect(handled[0]).toMatchObject({
    messageId,
    redelivered: true,
    deliveryCount: 1,
    ctx: { requestId: "req-crash" },
  });
  expect((out.match(/handling /g) ?? []).length).toBe(1);
  const conn = await amqp.connect(vhost.url);
  try {
    const q = await (await conn.createChannel()).checkQueue(queueNames.cast("scheduler"));
    expect(q.messageCount).toBe(0);
  } finally {
    await conn.close();
  }
});
