// Scheduling 1,000 single-instance requests over 1,000 hosts (the P4 target: ≤ 1 s in all), through
// the selection logic alone and through the real handler on the in-memory bus (JSON encoding and
// zod validation both ways included). Usage, from apps/workers:
//   npx tsx src/scheduler/bench.ts [hosts=1000] [requests=1000]
import { handler, hostStates, selectDestinations, serviceReport, systemContext } from "@nimbus/rpc";
import { createMemoryBus } from "@nimbus/rpc/memory";
import { pino } from "pino";
import { loadConfig } from "./config";
import { HostView } from "./host-state";
import { selectorFromConfig, startScheduler } from "./scheduler";
import { BENCH_ALTERNATES as ALTERNATES, benchCloud, benchRequests } from "./bench-cloud";

const hostCount = Number(process.argv[2] ?? 1000);
const requestCount = Number(process.argv[3] ?? 1000);

function report(label: string, ms: number[], totalMs: number) {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  console.log(
    `${label.padEnd(34)} total ${totalMs.toFixed(1).padStart(7)} ms   p50 ${at(0.5).toFixed(3)} ms   p99 ${at(0.99).toFixed(3)} ms   max ${at(1).toFixed(3)} ms`,
  );
}

const config = loadConfig({ NIMBUS_LOG_LEVEL: "silent" });
const nodes = benchCloud(hostCount);
console.log(
  `${hostCount} hosts, ${requestCount} single-instance requests, ${ALTERNATES} alternates, filters: ${config.NIMBUS_SCHEDULER_FILTERS.join(", ")}`,
);

// 1. The selection logic: what select_destinations does once the message is decoded.
for (const run of ["cold", "warm"]) {
  const view = new HostView();
  view.replaceAll(nodes, 0);
  const select = selectorFromConfig(config);
  const specs = benchRequests(requestCount, hostCount);
  const times: number[] = [];
  const start = performance.now();
  for (const spec of specs) {
    const t = performance.now();
    select(view, { spec, alternates: ALTERNATES });
    times.push(performance.now() - t);
  }
  report(`selection logic (${run})`, times, performance.now() - start);
}

// 2. The real handler on the in-memory bus: the scheduler's start function, a fake conductor.
const bus = createMemoryBus({ service: "bench" });
const ctx = systemContext();
await bus.serve({ service: "conductor" }, [
  handler(hostStates, () => ({ nodes })),
  handler(serviceReport, () => ({ serviceId: 1, disabled: false, forcedDown: false })),
]);
const scheduler = await startScheduler({ config, bus, logger: pino({ level: "silent" }) });
for (const run of ["cold", "warm"]) {
  if (run === "warm") scheduler.view.replaceAll(nodes, scheduler.view.generation);
  const specs = benchRequests(requestCount, hostCount);
  const times: number[] = [];
  const start = performance.now();
  for (const spec of specs) {
    const t = performance.now();
    await bus.call(selectDestinations, { spec, alternates: ALTERNATES }, { ctx });
    times.push(performance.now() - t);
  }
  report(`select_destinations on the bus (${run})`, times, performance.now() - start);
}
await scheduler.stop();
await bus.close();
