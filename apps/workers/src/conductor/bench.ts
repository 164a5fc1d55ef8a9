// The conductor's share of the boot path, measured on the in-memory bus against the real MariaDB
// (a throwaway database): create_servers alone, create → build cast to the host, and create →
// ACTIVE with a fake compute that does start_build + instance_update at once. The scheduler is a
// stand-in that answers from a fixed host list, so what is measured is the conductor's work.
// `npx tsx src/conductor/bench.ts [n] [concurrency...]` from apps/workers.
import { createServers, type HostChoice } from "@nimbus/rpc";
import { createHarness, userCtx } from "./testing";

const n = Number(process.argv[2] ?? 300);
const concurrencies = process.argv.slice(3).map(Number);
if (concurrencies.length === 0) concurrencies.push(1, 10);

const h = await createHarness({ castsAsCalls: false });
try {
  for (const r of ["instances", "cores", "ram"]) await h.setQuota(r, -1);
  const hosts: HostChoice[] = [];
  for (const host of ["bench-1", "bench-2", "bench-3"]) {
    await h.addHost(host, { vcpus: 100_000, memoryMb: 100_000_000, localGb: 1_000_000 });
    const node = await h.db.computeNode.findFirstOrThrow({ where: { host } });
    hosts.push({ host, node: host, nodeId: node.id });
  }
  let next = 0;
  h.scheduler.override = (spec) => ({
    selections: spec.instanceUuids.map((instanceUuid) => {
      const i = next++ % hosts.length;
      return { instanceUuid, hosts: [...hosts.slice(i), ...hosts.slice(0, i)] };
    }),
    explanation: { hostsConsidered: hosts.length, filters: [], weighed: [] },
  });
  // When each server's build reached its host, and when it was ACTIVE (performance.now()).
  const at = { built: new Map<string, number>(), active: new Map<string, number>() };
  const waiting = {
    built: new Map<string, (t: number) => void>(),
    active: new Map<string, (t: number) => void>(),
  };
  const mark = (kind: "built" | "active") => (uuid: string) => {
    const t = performance.now();
    at[kind].set(uuid, t);
    waiting[kind].get(uuid)?.(t);
  };
  const when = (kind: "built" | "active", uuid: string) =>
    at[kind].has(uuid)
      ? Promise.resolve(at[kind].get(uuid)!)
      : new Promise<number>((resolve) => waiting[kind].set(uuid, resolve));
  for (const c of h.computes.values()) {
    c.onBuild = mark("built");
    c.onActive = mark("active");
  }

  const request = {
    name: "bench",
    imageRef: h.imageId,
    flavorRef: "1",
    minCount: 1,
    maxCount: 1,
    availabilityZone: null,
    forceHost: null,
    keyName: null,
    metadata: {},
    userData: null,
    description: null,
    hostname: null,
    serverGroup: null,
    schedulerHints: {},
    accessIpV4: null,
    accessIpV6: null,
  };

  /** One boot: the three latencies, in ms. */
  async function boot(): Promise<[number, number, number]> {
    const t0 = performance.now();
    const reply = await h.bus.call(createServers, request, { ctx: userCtx() });
    const created = performance.now() - t0;
    const uuid = reply.servers[0]!.uuid;
    const [built, active] = await Promise.all([when("built", uuid), when("active", uuid)]);
    for (const m of [at.built, at.active, waiting.built, waiting.active]) m.delete(uuid);
    return [created, built - t0, active - t0];
  }

  const pct = (xs: number[], p: number) =>
    xs[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))]!;
  for (const concurrency of concurrencies) {
    for (let i = 0; i < 20; i++) await boot(); // warm-up
    const samples: [number, number, number][] = [];
    let started = 0;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (started++ < n) samples.push(await boot());
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const cpuMs = (cpu.user + cpu.system) / 1000 / samples.length;
    const column = (k: 0 | 1 | 2) => samples.map((s) => s[k]).sort((x, y) => x - y);
    console.log(
      `concurrency ${concurrency}, ${samples.length} boots, ${(samples.length / seconds).toFixed(0)} boots/s, ` +
        `${cpuMs.toFixed(1)} ms of this process's CPU per boot`,
    );
    for (const [k, what] of [
      [0, "create_servers reply"],
      [1, "create → build cast at the host"],
      [2, "create → ACTIVE"],
    ] as const) {
      const xs = column(k);
      console.log(
        `  ${what.padEnd(34)} p50 ${pct(xs, 50).toFixed(1)} ms  p99 ${pct(xs, 99).toFixed(1)} ms`,
      );
    }
    for (const c of h.computes.values()) c.received = [];
  }
} finally {
  await h.close();
}
