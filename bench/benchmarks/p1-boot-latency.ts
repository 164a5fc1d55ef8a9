// P1: POST /servers → ACTIVE on libvirt's test hypervisor, 10 closed-loop clients.
import type { Benchmark } from "../lib/benchmark";
import { closedLoop, deleteServers } from "../lib/boots";
import { ownCloud, prepareBoots, runningCloud, testHosts } from "../lib/cloud";
import { cloudProcesses, cpuMeter, perUnit } from "../lib/procs";
import { nowUs } from "../lib/profile";
import { atMost, info, ms, summarize } from "../lib/report";

const CLIENTS = 10;
const WARMUP = 30;
const BOOTS = 300;

export const p1: Benchmark = {
  id: "P1",
  title: "POST /servers → ACTIVE, libvirt test driver, concurrency 10",
  runsAgainstUrl: true,
  async run(ctx) {
    const cloud = ctx.running
      ? await runningCloud(ctx.running)
      : await ownCloud({ name: "bench-p1", computes: testHosts(2) }, ctx.profileDir);
    const created: string[] = [];
    try {
      const { flavorRef, undo } = await prepareBoots(cloud);
      try {
        const warm = await closedLoop(cloud, {
          clients: CLIENTS,
          count: WARMUP,
          flavorRef,
          prefix: "p1-warm",
        });
        created.push(...warm.map((b) => b.uuid));
        const meter = cloud.stack ? cpuMeter(cloudProcesses(cloud.stack)) : undefined;
        const from = nowUs();
        const t0 = performance.now();
        const boots = await closedLoop(cloud, {
          clients: CLIENTS,
          count: BOOTS,
          flavorRef,
          prefix: "p1",
        });
        const seconds = (performance.now() - t0) / 1000;
        const window = { fromUs: from, toUs: nowUs() };
        const cpu = meter?.();
        created.push(...boots.map((b) => b.uuid));
        const active = boots.filter((b) => b.state === "active");
        const settled = summarize(active.map((b) => b.settledMs));
        const accepted = summarize(boots.map((b) => b.acceptedMs));
        return {
          window,
          method: [
            `${CLIENTS} closed-loop clients (each POSTs its next server once its last one is ACTIVE); ${BOOTS} boots measured after ${WARMUP} warm-up boots (excluded).`,
            `ACTIVE = ${cloud.observedBy}, timed from just before the POST.`,
            ctx.running
              ? `Against ${cloud.url}; a 16 MB / 1 vCPU / no-disk flavor made for the run, quotas lifted for the run.`
              : "A stack of its own: web, conductor, scheduler, consoleauth and 2 computes on test:///default (allocation ratios raised), a 16 MB / 1 vCPU / no-disk flavor, no quota limits; log level info.",
          ],
          rows: [
            atMost("POST → ACTIVE p50", settled.p50, 50),
            atMost("POST → ACTIVE p99", settled.p99, 200),
            info("POST → ACTIVE p90 / max", `${ms(settled.p90)} / ${ms(settled.max)}`),
            info("POST → 202 p50 / p99", `${ms(accepted.p50)} / ${ms(accepted.p99)}`),
            info("boots per second at this concurrency", (boots.length / seconds).toFixed(1)),
            info("boots that ended in ERROR", String(boots.length - active.length)),
            ...(cpu ? [info("CPU ms per boot, by process", perUnit(cpu, boots.length))] : []),
          ],
          data: {
            clients: CLIENTS,
            warmup: WARMUP,
            settledMs: settled,
            acceptedMs: accepted,
            bootsPerSecond: boots.length / seconds,
            errors: boots.length - active.length,
            cpuMs: cpu,
            samples: boots.map((b) => [
              Math.round(b.acceptedMs * 10) / 10,
              Math.round(b.settledMs * 10) / 10,
            ]),
          },
        };
      } finally {
        if (ctx.running) await deleteServers(cloud, created);
        await undo();
      }
    } finally {
      await cloud.close();
    }
  },
};
