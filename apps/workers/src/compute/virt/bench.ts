// Measures define+start on a libvirt URI, bare (the binding alone) and through the driver's spawn,
// plus listInstances and destroy. Usage, from apps/workers:
//   npx tsx src/compute/virt/bench.ts test:///default 200
//   npx tsx src/compute/virt/bench.ts qemu:///system 3      (boots real guests; root only)
import * as libvirt from "@unraid/libvirt";
import { randomUUID } from "node:crypto";
import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildDomainXml } from "./domain-xml";
import { instanceSpecSchema, type InstanceSpec } from "./driver";
import { LibvirtDriver } from "./libvirt-driver";

const IMAGE = "/var/cache/nimbus/tiny-linux.qcow2";
const uri = process.argv[2] ?? "test:///default";
const count = Number(process.argv[3] ?? (uri.startsWith("test") ? 200 : 3));
const isTest = uri.startsWith("test");

const spec = (): InstanceSpec => ({
  uuid: randomUUID(),
  name: "bench",
  flavor: { name: "bench", memoryMb: 128, vcpus: 1, rootGb: 1, ephemeralGb: 0, swap: 0 },
  image: { id: "tiny-linux", diskFormat: "qcow2" },
  metadata: { projectId: "bench", userId: "bench" },
});

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

function summary(label: string, ms: number[]) {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  const mean = ms.reduce((a, b) => a + b, 0) / ms.length;
  console.log(
    `${label.padEnd(44)} n=${String(ms.length).padStart(4)}  mean ${mean.toFixed(2)} ms  median ${at(0.5).toFixed(2)} ms  p95 ${at(0.95).toFixed(2)} ms`,
  );
}

const dir = await mkdtemp(join(tmpdir(), "nimbus-virt-bench-"));
const hypervisor = new libvirt.Hypervisor({ uri });
await hypervisor.connectOpen();
const driver = new LibvirtDriver({
  uri,
  virtType: "qemu",
  instancesDir: join(dir, "instances"),
  imageCacheDir: join(dir, "_base"),
  vncListen: "127.0.0.1",
  fetchImage: (_id, dest) => copyFile(IMAGE, dest),
});
await driver.init();
const spawned: string[] = [];
try {
  console.log(`${uri}: ${count} domains each`);

  // The bare libvirt cost: a diskless domain, defined and started through the binding.
  const bare: number[] = [];
  for (let i = 0; i < count; i++) {
    const s = instanceSpecSchema.parse(spec());
    const xml = buildDomainXml(s, {
      type: isTest ? "test" : "qemu",
      consoleLogPath: join(dir, `${s.uuid}.log`),
      vncListen: "127.0.0.1",
    });
    bare.push(
      await timed(async () => {
        const domain = await hypervisor.domainDefineXML(xml);
        await domain.create();
      }),
    );
    const domain = await hypervisor.domainLookupByUUIDString(s.uuid);
    await domain.destroy();
    await domain.undefine();
  }
  summary("define+start, binding only (no disk)", bare);

  // Each guest is destroyed before the next spawn: a booting TCG guest eats a core, which would
  // slow down whatever is measured after it.
  const spawns: number[] = [];
  const destroys: number[] = [];
  for (let i = 0; i < count; i++) {
    const s = spec();
    spawned.push(s.uuid);
    spawns.push(await timed(() => driver.spawn(s)));
    destroys.push(await timed(() => driver.destroy(s.uuid)));
    spawned.pop();
  }
  if (!isTest) summary("driver spawn, first (image download)", spawns.slice(0, 1));
  summary(
    isTest
      ? "driver spawn (dir, console log, define, start)"
      : "driver spawn (overlay, define, start)",
    isTest ? spawns : spawns.slice(1),
  );
  summary("driver destroy (running guest)", destroys);

  // Listing cost grows with the number of domains, not with what they do: list stopped ones.
  for (let i = 0; i < count; i++) {
    const s = spec();
    spawned.push(s.uuid);
    await driver.spawn(s);
    await driver.powerOff(s.uuid, { timeoutSec: 0 });
  }
  const lists: number[] = [];
  for (let i = 0; i < 50; i++) lists.push(await timed(() => driver.listInstances()));
  summary(`listInstances with ${count} instances`, lists);
} finally {
  await Promise.all(spawned.map((uuid) => driver.destroy(uuid)));
  await driver.close();
  await hypervisor.connectClose();
  await rm(dir, { recursive: true, force: true });
}
