// P7: resident memory of each process of a cloud, idle and after the P2 workload (a thousand boots).
import { existsSync } from "node:fs";
import { join } from "node:path";
import { REPO } from "../../e2e/stack/stack";
import type { Benchmark } from "../lib/benchmark";
import { ownCloud, prepareBoots, testHosts } from "../lib/cloud";
import { memoryMiB } from "../lib/procs";
import { nowUs } from "../lib/profile";
import { atMost, info, type Row } from "../lib/report";
import { fill, P2_BOOTS } from "./p2-boot-rate";

const WORKER_LIMIT = 150;
const WEB_LIMIT = 400;

export const p7: Benchmark = {
  id: "P7",
  title: "memory: resident size of each process idle and after P2",
  runsAgainstUrl: false,
  async run(ctx) {
    // The web as deployed serves the dashboard too, when it has been built.
    const withNext = existsSync(join(REPO, "apps/web/.next/BUILD_ID"));
    const cloud = await ownCloud(
      { name: "bench-p7", computes: testHosts(2), withNext },
      ctx.profileDir,
    );
    try {
      const procs = cloud.stack!.processes().filter((p) => p.running && p.pid !== undefined);
      const sample = () => new Map(procs.map((p) => [p.name, memoryMiB(p.pid!)]));
      const { flavorRef } = await prepareBoots(cloud);
      const idle = sample();
      const from = nowUs();
      const run = await fill(cloud, flavorRef);
      const window = { fromUs: from, toUs: nowUs() };
      const after = sample();
      const rows: Row[] = [];
      for (const p of procs) {
        const limit = p.name === "web" ? WEB_LIMIT : WORKER_LIMIT;
        rows.push(atMost(`${p.name} idle`, idle.get(p.name)!.rss, limit, "MiB"));
        rows.push(atMost(`${p.name} after P2`, after.get(p.name)!.rss, limit, "MiB"));
      }
      rows.push(
        info(
          "peak (VmHWM) during the run",
          procs.map((p) => `${p.name} ${after.get(p.name)!.peak.toFixed(0)}`).join(", ") + " MiB",
        ),
      );
      return {
        window,
        method: [
          `VmRSS from /proc/<pid>/status of each process of a stack of its own (2 computes on test:///default${withNext ? ", the web serving the built dashboard" : ", the web without the dashboard (no next build found)"}), read once the stack is up (idle) and again right after the P2 workload (${run.boots.length + run.warm.length} boots by 20 clients).`,
        ],
        rows,
        data: {
          withNext,
          idle: Object.fromEntries(idle),
          after: Object.fromEntries(after),
          boots: P2_BOOTS,
        },
      };
    } finally {
      await cloud.close();
    }
  },
};
