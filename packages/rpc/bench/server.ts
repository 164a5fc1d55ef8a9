// The serving side of the benchmark, in its own process as a worker would be.
// Usage: node --import tsx bench/server.ts <amqp-url>. Prints "ready", then "handled <n>" lines.
import { pino } from "pino";
import { handler } from "../src/bus.js";
import { ping } from "../src/conductor/ping.js";
import { syncInstanceInfo } from "../src/scheduler/sync-instance-info.js";
import { connectBus } from "../src/transport/amqp.js";

const url = process.argv[2];
if (!url) throw new Error("usage: server.ts <amqp-url>");
const bus = await connectBus({
  url,
  service: "conductor",
  host: "bench",
  logger: pino({ level: "warn" }),
});
let handled = 0;
await bus.serve({ service: "conductor" }, [
  handler(ping, (p) => ({ echo: p.echo, host: "bench" })),
]);
await bus.serve({ service: "scheduler" }, [
  handler(syncInstanceInfo, () => {
    if (++handled % 500 === 0) process.stdout.write(`handled ${handled}\n`);
  }),
]);
process.stdout.write("ready\n");
