// P6: a real QEMU guest (TCG): POST → ACTIVE minus libvirt's own define + start, both measured in
// the same build. The compute logs what libvirt took ("spawned", defineStartMs) and what it took
// itself to prepare the instance directory and the qcow2 overlay (prepareMs).
import { readFile } from "node:fs/promises";
import { run } from "../../e2e/stack/stack";
import type { Benchmark } from "../lib/benchmark";
import { bootOne } from "../lib/boots";
import { ownCloud } from "../lib/cloud";
import { nowUs } from "../lib/profile";
import { atMost, info, summarize } from "../lib/report";

const WARMUP = 1;
const BOOTS = 5;
const HOST = "node-q";
/** the seeded m1.tiny (512 MB, 1 vCPU, 1 GB) */
const FLAVOR = "1";

interface Spawned {
  prepareMs: number;
  defineStartMs: number;
}

/** The compute's "spawned" log line of `uuid` (pino writes it shortly after the build). */
async function spawnedLine(logPath: string, uuid: string): Promise<Spawned> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    for (const line of (await readFile(logPath, "utf8")).split("\n")) {
      if (!line.includes(uuid) || !line.includes('"msg":"spawned"')) continue;
      const { prepareMs, defineStartMs } = JSON.parse(line) as Spawned;
      return { prepareMs, defineStartMs };
    }
    if (Date.now() > deadline) throw new Error(`no "spawned" line for ${uuid} in ${logPath}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const p6: Benchmark = {
  id: "P6",
  title: "real QEMU guest: POST → ACTIVE minus libvirt's define + start",
  runsAgainstUrl: false,
  async run(ctx) {
    await run("virsh", ["-c", "qemu:///system", "version"]).catch((err: unknown) => {
      throw new Error(
        `libvirtd does not answer on qemu:///system (start it: virtlogd -d; libvirtd -d)\n${err}`,
      );
    });
    const cloud = await ownCloud(
      { name: "bench-p6", computes: [{ host: HOST, libvirtUri: "qemu:///system" }] },
      ctx.profileDir,
    );
    try {
      const logPath = cloud.stack!.process(`compute:${HOST}`).logPath;
      const samples: {
        settledMs: number;
        defineStartMs: number;
        prepareMs: number;
        overheadMs: number;
      }[] = [];
      let from = nowUs();
      for (let i = 0; i < WARMUP + BOOTS; i++) {
        if (i === WARMUP) from = nowUs();
        const boot = await bootOne(cloud, FLAVOR, `p6-${i}`);
        if (boot.state !== "active") throw new Error(`server ${boot.uuid} went to ERROR`);
        const { prepareMs, defineStartMs } = await spawnedLine(logPath, boot.uuid);
        if (i >= WARMUP) {
          samples.push({
            settledMs: boot.settledMs,
            defineStartMs,
            prepareMs,
            overheadMs: boot.settledMs - defineStartMs,
          });
        }
        // One guest at a time: a booting TCG guest takes a core, which would slow the next build.
        await cloud.api.delete(`/servers/${boot.uuid}`);
        const deadline = Date.now() + 60_000;
        while ((await cloud.api.get(`/servers/${boot.uuid}`)).status !== 404) {
          if (Date.now() > deadline) throw new Error(`server ${boot.uuid} not deleted in 60 s`);
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      const window = { fromUs: from, toUs: nowUs() };
      const overhead = summarize(samples.map((s) => s.overheadMs));
      const total = summarize(samples.map((s) => s.settledMs));
      const libvirt = summarize(samples.map((s) => s.defineStartMs));
      const prepare = summarize(samples.map((s) => s.prepareMs));
      return {
        window,
        method: [
          `${BOOTS} boots of the seeded tiny-linux image (m1.tiny: 512 MB, 1 vCPU, 1 GB) on qemu:///system with TCG, one at a time (each deleted before the next), after ${WARMUP} warm-up boot that also fills the image cache.`,
          `ACTIVE = ${cloud.observedBy}; libvirt's define + start = domainDefineXML + create as timed by the compute around those two calls in the same build (its "spawned" log line).`,
          "Overhead = POST → ACTIVE minus define + start: the API, the bus, the conductor, the scheduler and the compute's own work (instance directory, qcow2 overlay, reports).",
        ],
        rows: [
          atMost("overhead p50", overhead.p50, 150),
          info("overhead max", `${overhead.max.toFixed(1)} ms`),
          info("POST → ACTIVE p50", `${total.p50.toFixed(1)} ms`),
          info("libvirt define + start p50", `${libvirt.p50.toFixed(1)} ms`),
          info("of the overhead: directory + overlay p50", `${prepare.p50.toFixed(1)} ms`),
        ],
        data: { boots: BOOTS, warmup: WARMUP, overhead, total, libvirt, prepare, samples },
      };
    } finally {
      await cloud.close();
    }
  },
};
