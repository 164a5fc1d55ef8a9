// Scheduling 1,000 single-instance requests over 1,000 hosts (the P4 target: ≤ 1 s in all), through
// the selection logic alone and through the real handler on the in-memory bus (JSON encoding and
// zod validation both ways included). Usage, from apps/workers:
//   npx tsx src/scheduler/bench.ts [hosts=1000] [requests=1000]
import { randomUUID } from "node:crypto";
import {
  handler,
  hostStates,
  selectDestinations,
  serviceReport,
  systemContext,
  type ComputeNode,
  type RequestSpec,
} from "@nimbus/rpc";
import { createMemoryBus } from "@nimbus/rpc/memory";
import { pino } from "pino";
import { loadConfig } from "./config";
import { HostView } from "./host-state";
import { selectorFromConfig, startScheduler } from "./scheduler";
import { fakeNode, fakeSpec } from "./testing";

const hostCount = Number(process.argv[2] ?? 1000);
const requestCount = Number(process.argv[3] ?? 1000);
const ALTERNATES = 2;

/** A small deterministic PRNG, so every run schedules the same cloud. */
function prng(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
}

/** Hosts of a few sizes, part used; 2% disabled, 1% down, three zones. */
function cloud(): ComputeNode[] {
  const rand = prng(42);
  return Array.from({ length: hostCount }, (_, i) => {
    const vcpus = [16, 32, 64][i % 3]!;
    const memoryMb = vcpus * 4096;
    return fakeNode(`compute-${String(i).padStart(4, "0")}`, {
      id: i + 1,
      vcpus,
      memoryMb,
      localGb: 2000,
      cpuAllocationRatio: 4,
      ramAllocationRatio: 1.5,
      vcpusUsed: Math.floor(rand() * vcpus * 2),
      memoryMbUsed: Math.floor(rand() * memoryMb),
      localGbUsed: Math.floor(rand() * 1500),
      availabilityZone: ["az1", "az2", "az3"][i % 3]!,
      service: { disabled: i % 50 === 7, up: i % 100 !== 13 },
    });
  });
}

/** m1.tiny … m1.large, a zone for a third of them, an anti-affinity group for a tenth. */
function requests(): RequestSpec[] {
  const flavors = [
    { memoryMb: 512, vcpus: 1, rootGb: 1 },
    { memoryMb: 2048, vcpus: 1, rootGb: 20 },
    { memoryMb: 4096, vcpus: 2, rootGb: 40 },
    { memoryMb: 8192, vcpus: 4, rootGb: 80 },
  ];
  const rand = prng(7);
  return Array.from({ length: requestCount }, (_, i) =>
    fakeSpec({
      flavor: flavors[i % flavors.length]!,
      image: { properties: { architecture: "x86_64", hypervisor_type: "qemu" } },
      availabilityZone: i % 3 === 0 ? "az2" : null,
      group:
        i % 10 === 0
          ? {
              uuid: randomUUID(),
              policy: "anti-affinity",
              hosts: [`compute-${String(Math.floor(rand() * hostCount)).padStart(4, "0")}`],
            }
          : null,
    }),
  );
}

function report(label: string, ms: number[], totalMs: number) {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  console.log(
    `${label.padEnd(34)} total ${totalMs.toFixed(1).padStart(7)} ms   p50 ${at(0.5).toFixed(3)} ms   p99 ${at(0.99).toFixed(3)} ms   max ${at(1).toFixed(3)} ms`,
  );
}

const config = loadConfig({ NIMBUS_LOG_LEVEL: "silent" });
const nodes = cloud();
console.log(
  `${hostCount} hosts, ${requestCount} single-instance requests, ${ALTERNATES} alternates, filters: ${config.NIMBUS_SCHEDULER_FILTERS.join(", ")}`,
);

// 1. The selection logic: what select_destinations does once the message is decoded.
for (const run of ["cold", "warm"]) {
  const view = new HostView();
  view.replaceAll(nodes, 0);
  const select = selectorFromConfig(config);
  const specs = requests();
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
  const specs = requests();
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
