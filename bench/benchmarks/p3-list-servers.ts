// P3: GET /servers/detail once a thousand servers exist, many sequential requests.
import type { Benchmark } from "../lib/benchmark";
import { deleteServers } from "../lib/boots";
import { ownCloud, prepareBoots, runningCloud, testHosts } from "../lib/cloud";
import { cloudProcesses, cpuMeter, perUnit } from "../lib/procs";
import { nowUs } from "../lib/profile";
import { atMost, info, summarize } from "../lib/report";
import { fill } from "./p2-boot-rate";

const WARMUP = 10;
const REQUESTS = 200;
const PAGE = 1000;

export const p3: Benchmark = {
  id: "P3",
  title: "GET /servers/detail with 1,000 servers",
  runsAgainstUrl: true,
  async run(ctx) {
    const cloud = ctx.running
      ? await runningCloud(ctx.running)
      : await ownCloud({ name: "bench-p3", computes: testHosts(2) }, ctx.profileDir);
    const created: string[] = [];
    try {
      const { flavorRef, undo } = await prepareBoots(cloud);
      try {
        const run = await fill(cloud, flavorRef);
        created.push(...run.warm.map((b) => b.uuid), ...run.boots.map((b) => b.uuid));
        const path = `/servers/detail?limit=${PAGE}`;
        const get = async () => {
          const t = performance.now();
          const res = await cloud.api.get(path);
          const took = performance.now() - t;
          if (res.status !== 200 || res.body.servers.length !== PAGE)
            throw new Error(
              `GET ${path}: HTTP ${res.status}, ${res.body?.servers?.length} servers`,
            );
          return took;
        };
        for (let i = 0; i < WARMUP; i++) await get();
        const meter = cloud.stack ? cpuMeter(cloudProcesses(cloud.stack)) : undefined;
        const from = nowUs();
        const times: number[] = [];
        for (let i = 0; i < REQUESTS; i++) times.push(await get());
        const window = { fromUs: from, toUs: nowUs() };
        const cpu = meter?.();
        const bytes = Buffer.byteLength(JSON.stringify((await cloud.api.get(path)).body));
        const s = summarize(times);
        return {
          window,
          method: [
            `${REQUESTS} sequential GET ${path} (each answering ${PAGE} servers with their details) after ${WARMUP} warm-up requests, as the admin in the project that owns the servers, microversion 2.100; time = request sent → whole body read.`,
            `The ${run.boots.length + run.warm.length} servers were booted first (the P2 workload) and are all ACTIVE.`,
          ],
          rows: [
            atMost("GET /servers/detail p50", s.p50, 50),
            atMost("GET /servers/detail p99", s.p99, 150),
            info("p90 / max", `${s.p90.toFixed(1)} ms / ${s.max.toFixed(1)} ms`),
            info("response body", `${(bytes / 1024).toFixed(0)} KiB`),
            ...(cpu ? [info("CPU ms per request, by process", perUnit(cpu, REQUESTS))] : []),
          ],
          data: {
            requests: REQUESTS,
            warmup: WARMUP,
            page: PAGE,
            latencyMs: s,
            bytes,
            cpuMs: cpu,
            samples: times,
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
