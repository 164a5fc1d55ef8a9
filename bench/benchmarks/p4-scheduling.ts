// P4: scheduling 1,000 requests over 1,000 hosts — the scheduler's selection code over synthetic
// host records in this process, then the real scheduler process through RabbitMQ over a thousand
// hosts registered with the real conductor.
import {
  connectBus,
  createLogger,
  selectDestinations,
  serviceReport,
  systemContext,
  type RequestSpec,
} from "@nimbus/rpc";
import {
  BENCH_ALTERNATES,
  benchCloud,
  benchHostName,
  benchHostSize,
  benchRequests,
} from "../../apps/workers/src/scheduler/bench-cloud";
import { loadConfig } from "../../apps/workers/src/scheduler/config";
import { HostView } from "../../apps/workers/src/scheduler/host-state";
import { selectorFromConfig } from "../../apps/workers/src/scheduler/scheduler";
import type { Benchmark } from "../lib/benchmark";
import { ownCloud } from "../lib/cloud";
import { nowUs } from "../lib/profile";
import { atMost, info, summarize } from "../lib/report";

const HOSTS = 1000;
const REQUESTS = 1000;
const WARMUP = 100;

/** Run `specs` through `op` with `concurrency` at a time; total ms and each one's ms. */
async function timed(
  specs: RequestSpec[],
  concurrency: number,
  op: (s: RequestSpec) => Promise<unknown>,
) {
  const each: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < specs.length) {
        const spec = specs[next++]!;
        const t = performance.now();
        await op(spec);
        each.push(performance.now() - t);
      }
    }),
  );
  return { totalMs: performance.now() - t0, each: summarize(each) };
}

export const p4: Benchmark = {
  id: "P4",
  title: "scheduling 1,000 requests over 1,000 hosts",
  runsAgainstUrl: false,
  async run(ctx) {
    // 1. The selection code alone (filters, weighers, explanation), as select_destinations runs it.
    const config = loadConfig({ NIMBUS_LOG_LEVEL: "silent" });
    const select = selectorFromConfig(config);
    const inProcess = (warm: boolean) => {
      const view = new HostView();
      view.replaceAll(benchCloud(HOSTS), 0);
      const specs = benchRequests(REQUESTS, HOSTS);
      if (warm)
        for (const spec of benchRequests(WARMUP, HOSTS))
          select(view, { spec, alternates: BENCH_ALTERNATES });
      const t0 = performance.now();
      for (const spec of specs) select(view, { spec, alternates: BENCH_ALTERNATES });
      return performance.now() - t0;
    };
    const logicCold = inProcess(false);
    const logic = inProcess(true);

    // 2. The scheduler process, over hosts registered through the conductor as computes do.
    const cloud = await ownCloud(
      {
        name: "bench-p4",
        computes: [],
        // The synthetic hosts never heartbeat; keep them up for the run.
        envFor: { conductor: { NIMBUS_SERVICE_DOWN_TIME: "3600" } },
      },
      ctx.profileDir,
    );
    const stack = cloud.stack!;
    const bus = await connectBus({
      url: stack.amqpUrl,
      service: "bench",
      host: "bench",
      logger: createLogger("bench", "silent"),
    });
    try {
      const ctxSys = systemContext();
      const queue = Array.from({ length: HOSTS }, (_, i) => i);
      await Promise.all(
        Array.from({ length: 10 }, async () => {
          for (let i = queue.pop(); i !== undefined; i = queue.pop()) {
            const size = benchHostSize(i);
            await bus.call(
              serviceReport,
              {
                host: benchHostName(i),
                binary: "nova-compute",
                version: "1",
                node: {
                  hypervisorHostname: benchHostName(i),
                  hypervisorType: "QEMU",
                  hypervisorVersion: 7_002_000,
                  hostIp: "192.0.2.1",
                  vcpus: size.vcpus,
                  memoryMb: size.memoryMb,
                  localGb: size.localGb,
                  freeDiskGb: size.localGb,
                  cpuInfo: { arch: "x86_64" },
                  cpuAllocationRatio: size.cpuAllocationRatio,
                  ramAllocationRatio: size.ramAllocationRatio,
                  diskAllocationRatio: 1,
                },
              },
              { ctx: ctxSys },
            );
          }
        }),
      );
      // A fresh start reads every host from the conductor at once.
      await stack.process("scheduler").restart();
      const call = (spec: RequestSpec) =>
        bus.call(
          selectDestinations,
          { spec, alternates: BENCH_ALTERNATES },
          { ctx: ctxSys, timeoutMs: 30_000 },
        );
      const first = await call(benchRequests(1, HOSTS, "nova")[0]!);
      if (first.explanation.hostsConsidered !== HOSTS)
        throw new Error(
          `the scheduler sees ${first.explanation.hostsConsidered} hosts, not ${HOSTS}`,
        );
      await timed(benchRequests(WARMUP, HOSTS, "nova"), 1, call);
      const from = nowUs();
      const sequential = await timed(benchRequests(REQUESTS, HOSTS, "nova"), 1, call);
      const concurrent = await timed(benchRequests(REQUESTS, HOSTS, "nova"), 10, call);
      const window = { fromUs: from, toUs: nowUs() };
      const f = (x: number) => `${x.toFixed(0)} ms`;
      return {
        window,
        method: [
          `Selection code: ${REQUESTS} single-instance requests (m1.tiny…m1.large, a zone for a third, an anti-affinity group for a tenth) over ${HOSTS} synthetic host records (three sizes, part used, 2% disabled, 1% down), each request consuming its host's resources as select_destinations does; ${WARMUP} requests of warm-up.`,
          `Through the bus: ${HOSTS} compute hosts registered with the real conductor (conductor.service_report with their inventory, as computes do), the scheduler process restarted so it reads them all, then ${REQUESTS} scheduler.select_destinations calls from this process over RabbitMQ (2 alternates each) after ${WARMUP} warm-up calls — one at a time, then 10 at a time. Every host is in the default zone here.`,
        ],
        rows: [
          atMost("selection code, 1,000 requests", logic, 1000),
          atMost("through the bus, one at a time", sequential.totalMs, 1000),
          atMost("through the bus, 10 at a time", concurrent.totalMs, 1000),
          info("selection code, without warm-up", f(logicCold)),
          info(
            "one call, p50 / p99 (one at a time)",
            `${sequential.each.p50.toFixed(2)} / ${sequential.each.p99.toFixed(2)} ms`,
          ),
        ],
        data: {
          hosts: HOSTS,
          requests: REQUESTS,
          logicMs: logic,
          logicColdMs: logicCold,
          sequential,
          concurrent,
        },
      };
    } finally {
      await bus.close();
      await cloud.close();
    }
  },
};
