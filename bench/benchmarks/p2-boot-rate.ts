// P2: sustained boots per second while the cloud fills up to a thousand servers (test driver).
import type { Benchmark } from "../lib/benchmark";
import { closedLoop, deleteServers, type Boot } from "../lib/boots";
import { ownCloud, prepareBoots, runningCloud, testHosts, type Cloud } from "../lib/cloud";
import { cloudProcesses, cpuMeter, perUnit } from "../lib/procs";
import { nowUs } from "../lib/profile";
import { atLeast, info, ms, summarize } from "../lib/report";

export const P2_CLIENTS = 20;
export const P2_WARMUP = 20;
export const P2_BOOTS = 1000;
const SLICE = 100;

export interface FillRun {
  boots: Boot[];
  seconds: number;
  /** boots/s of each successive hundred (by the time they became ACTIVE) */
  perSlice: number[];
}

/**
 * Boot `P2_BOOTS` servers with `P2_CLIENTS` closed-loop clients after a warm-up: the workload of
 * P2, also run by P3 (to have servers to list) and P7 (to measure memory after it).
 */
export async function fill(cloud: Cloud, flavorRef: string): Promise<FillRun & { warm: Boot[] }> {
  const warm = await closedLoop(cloud, {
    clients: P2_CLIENTS,
    count: P2_WARMUP,
    flavorRef,
    prefix: "fill-warm",
  });
  const t0 = performance.now();
  const boots = await closedLoop(cloud, {
    clients: P2_CLIENTS,
    count: P2_BOOTS,
    flavorRef,
    prefix: "fill",
  });
  const seconds = (performance.now() - t0) / 1000;
  const done = boots.map((b) => b.startedAt + b.settledMs).sort((a, b) => a - b);
  const perSlice: number[] = [];
  for (let i = SLICE; i <= done.length; i += SLICE) {
    const from = i === SLICE ? t0 : done[i - SLICE - 1]!;
    perSlice.push(Math.round((SLICE / ((done[i - 1]! - from) / 1000)) * 10) / 10);
  }
  return { warm, boots, seconds, perSlice };
}

export const p2: Benchmark = {
  id: "P2",
  title: "sustained boots per second up to 1,000 instances, test driver",
  runsAgainstUrl: true,
  async run(ctx) {
    const cloud = ctx.running
      ? await runningCloud(ctx.running)
      : await ownCloud({ name: "bench-p2", computes: testHosts(2) }, ctx.profileDir);
    const created: string[] = [];
    try {
      const { flavorRef, undo } = await prepareBoots(cloud);
      try {
        const meter = cloud.stack ? cpuMeter(cloudProcesses(cloud.stack)) : undefined;
        const from = nowUs();
        const run = await fill(cloud, flavorRef);
        const window = { fromUs: from, toUs: nowUs() };
        const cpu = meter?.();
        created.push(...run.warm.map((b) => b.uuid), ...run.boots.map((b) => b.uuid));
        const active = run.boots.filter((b) => b.state === "active");
        const rate = active.length / run.seconds;
        const settled = summarize(active.map((b) => b.settledMs));
        return {
          window,
          method: [
            `${P2_CLIENTS} closed-loop clients (enough to keep every stage busy) boot ${P2_BOOTS} servers after ${P2_WARMUP} warm-up boots; rate = servers ACTIVE / time from the first measured POST to the last ACTIVE.`,
            `ACTIVE = ${cloud.observedBy}.`,
            ctx.running
              ? `Against ${cloud.url}, with a nano flavor and quotas lifted for the run.`
              : "A stack of its own: 2 computes on test:///default with allocation ratios raised so a thousand 16 MB servers fit, no quota limits.",
          ],
          rows: [
            atLeast("boots per second over the run", rate, 50, "/s"),
            info(`boots/s per ${SLICE} servers, in order`, run.perSlice.join(", ")),
            info(
              "POST → ACTIVE p50 / p99 under this load",
              `${ms(settled.p50)} / ${ms(settled.p99)}`,
            ),
            info("boots that ended in ERROR", String(run.boots.length - active.length)),
            ...(cpu
              ? [info("CPU ms per boot, by process", perUnit(cpu, run.boots.length + P2_WARMUP))]
              : []),
          ],
          data: {
            clients: P2_CLIENTS,
            warmup: P2_WARMUP,
            boots: run.boots.length,
            seconds: run.seconds,
            bootsPerSecond: rate,
            perSlice: run.perSlice,
            settledMs: settled,
            errors: run.boots.length - active.length,
            cpuMs: cpu,
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
