// Message bus benchmark: call round trips and casts per second on this machine, through the bus,
// plus the raw-amqplib measurements behind its design choices. Not a test: prints a table.
// Run: npm run bench -w @nimbus/rpc (needs the local RabbitMQ; uses a vhost of its own).
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import amqp from "amqplib";
import { pino } from "pino";
import { ping } from "../src/conductor/ping.js";
import { syncInstanceInfo } from "../src/scheduler/sync-instance-info.js";
import { createTestVhost, waitFor } from "../src/testing/index.js";
import { connectBus } from "../src/transport/amqp.js";

const ctx = { requestId: "req-bench" };
const rows: { what: string; p50?: string; p99?: string; rate?: string }[] = [];

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]!.toFixed(2);
};

/** Sequential latency of `op` (after a warm-up), in ms. */
async function latency(what: string, op: () => Promise<unknown>, n = 2_000) {
  for (let i = 0; i < 200; i++) await op();
  const t: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    await op();
    t.push(performance.now() - s);
  }
  rows.push({ what, p50: pct(t, 0.5), p99: pct(t, 0.99) });
}

/** Throughput of `op` with `concurrency` in flight for `ms`, with the latency seen meanwhile. */
async function throughput(
  what: string,
  op: () => Promise<unknown>,
  concurrency: number,
  ms = 3_000,
) {
  const t: number[] = [];
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() - start < ms) {
        const s = performance.now();
        await op();
        t.push(performance.now() - s);
      }
    }),
  );
  const rate = t.length / ((performance.now() - start) / 1000);
  rows.push({ what, p50: pct(t, 0.5), p99: pct(t, 0.99), rate: `${rate.toFixed(0)}/s` });
}

/** Raw amqplib call round trips for each request-queue and reply-path choice the bus could make. */
async function designCheck(url: string, noDelay: boolean) {
  const srv = await amqp.connect(url, { noDelay });
  const cli = await amqp.connect(url, { noDelay });
  const sch = await srv.createChannel();
  await sch.prefetch(16);
  const queues = {
    "quorum, persistent": { durable: true, arguments: { "x-queue-type": "quorum" } },
    "classic, transient": { durable: true, arguments: { "x-queue-type": "classic" } },
  } as const;
  for (const [name, opts] of Object.entries(queues)) {
    const q = `design.${name.replace(/\W+/g, "_")}`;
    await sch.assertQueue(q, opts);
    await sch.consume(q, (m) => {
      if (!m) return;
      sch.sendToQueue(m.properties.replyTo, m.content, {
        correlationId: m.properties.correlationId,
      });
      sch.ack(m);
    });
  }
  const cch = await cli.createConfirmChannel();
  const waiting = new Map<string, () => void>();
  const onReply = (m: amqp.ConsumeMessage | null) => {
    if (m) waiting.get(m.properties.correlationId)?.();
  };
  await cch.consume("amq.rabbitmq.reply-to", onReply, { noAck: true });
  const { queue: replyQueue } = await cch.assertQueue("", { exclusive: true });
  await cch.consume(replyQueue, onReply, { noAck: true });
  for (const name of Object.keys(queues)) {
    const q = `design.${name.replace(/\W+/g, "_")}`;
    for (const [reply, replyTo] of [
      ["direct reply-to", "amq.rabbitmq.reply-to"],
      ["reply queue", replyQueue],
    ]) {
      const call = () =>
        new Promise<void>((resolve) => {
          const id = randomUUID();
          waiting.set(id, () => {
            waiting.delete(id);
            resolve();
          });
          cch.sendToQueue(
            q,
            Buffer.from("{}"),
            {
              correlationId: id,
              replyTo,
              persistent: name.startsWith("quorum"),
            },
            () => {},
          );
        });
      const label = `raw call: ${name} request, ${reply}${noDelay ? "" : ", Nagle on"}`;
      await latency(label, call, noDelay ? 1_000 : 100);
      if (noDelay) await throughput(`${label}, 10 at once`, call, 10, 2_000);
    }
  }
  await cli.close();
  await srv.close();
}

const vhost = await createTestVhost();
const child = spawn(
  process.execPath,
  ["--import", "tsx", fileURLToPath(new URL("./server.ts", import.meta.url)), vhost.url],
  {
    stdio: ["ignore", "pipe", "inherit"],
  },
);
try {
  let out = "";
  let handled = 0;
  child.stdout.on("data", (c: Buffer) => {
    out += c.toString();
    handled = Number(/handled (\d+)\n(?![\s\S]*handled)/.exec(out)?.[1] ?? handled);
  });
  await waitFor(() => out.includes("ready\n"), { timeoutMs: 30_000, what: "the bench server" });
  const conn = await amqp.connect(vhost.url);
  const rabbit = conn.connection.serverProperties.version;
  await conn.close();

  const web = await connectBus({
    url: vhost.url,
    service: "web",
    host: "bench",
    logger: pino({ level: "warn" }),
  });
  const call = () => web.call(ping, { echo: "x" }, { ctx });
  const cast = () => web.cast(syncInstanceInfo, { host: "h", instanceUuids: [] }, { ctx });

  await latency("bus call round trip (1 at a time)", call);
  await throughput("bus call, 10 at once", call, 10);
  await latency("bus cast until confirmed (1 at a time)", cast);
  await throughput("bus cast until confirmed, 50 at once", cast, 50);

  // End to end: casts sent and handled by the other process.
  const base = handled;
  const total = 5_000;
  const s = performance.now();
  for (let i = 0; i < total; i += 100) await Promise.all(Array.from({ length: 100 }, cast));
  const sentMs = performance.now() - s;
  await waitFor(() => handled - base >= total - (total % 500), {
    timeoutMs: 60_000,
    what: "casts handled",
  });
  const doneMs = performance.now() - s;
  rows.push({
    what: `bus cast ${total}: confirmed`,
    rate: `${(total / (sentMs / 1000)).toFixed(0)}/s`,
  });
  rows.push({
    what: `bus cast ${total}: handled by the server process`,
    rate: `${(total / (doneMs / 1000)).toFixed(0)}/s`,
  });
  await web.close();

  await designCheck(vhost.url, true);
  await designCheck(vhost.url, false);

  console.log(`\nmessage bus benchmark — ${new Date().toISOString()}`);
  console.log(
    `machine: ${cpus()[0]?.model} × ${cpus().length} cores, node ${process.version}, RabbitMQ ${rabbit}\n`,
  );
  console.table(
    rows.map((r) => ({
      what: r.what,
      "p50 ms": r.p50 ?? "",
      "p99 ms": r.p99 ?? "",
      rate: r.rate ?? "",
    })),
  );
} finally {
  child.kill("SIGTERM");
  await vhost.delete();
}
