// Start-up reconcile against the real driver on test:///default and a fake conductor.
import * as libvirt from "@unraid/libvirt";
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createMemoryBus } from "@nimbus/rpc/memory";
import { capturingLogger } from "@nimbus/rpc/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { InstanceTracker } from "./power-sync";
import { reconcile, RESTART_REASON } from "./reconcile";
import { fakeInstance, serveFakeConductor, type FakeConductor } from "./testing/fake-conductor";
import { PowerState } from "./virt/driver";
import { LibvirtDriver } from "./virt/libvirt-driver";

const HOST = "compute-1";
let dir: string;
let driver: LibvirtDriver;
let observer: libvirt.Hypervisor;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "nimbus-reconcile-test-"));
  driver = new LibvirtDriver({
    uri: "test:///default",
    virtType: "qemu",
    instancesDir: join(dir, "instances"),
    imageCacheDir: join(dir, "_base"),
    vncListen: "127.0.0.1",
    shutdownTimeoutSec: 0,
    fetchImage: async () => {},
  });
  await driver.init();
  observer = new libvirt.Hypervisor({ uri: "test:///default" });
  await observer.connectOpen();
});

afterEach(async () => {
  for (const { uuid } of await driver.listInstances()) await driver.destroy(uuid);
});

afterAll(async () => {
  await driver?.close();
  await observer?.connectClose();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function setup() {
  const bus = createMemoryBus({ castsAsCalls: true });
  const conductor = await serveFakeConductor(bus);
  const tracker = new InstanceTracker();
  const { logger } = capturingLogger();
  const run = () =>
    reconcile({ bus, driver, host: HOST, tracker, instancesDir: join(dir, "instances"), logger });
  return { bus, conductor, tracker, run };
}

/** Give the fake conductor a server of this host and, unless `domain` is false, a domain for it. */
async function server(
  conductor: FakeConductor,
  state: Parameters<typeof fakeInstance>[0],
  domain: "running" | "shutoff" | false,
) {
  const instance = fakeInstance({ host: HOST, ...state });
  conductor.instances.set(instance.uuid, instance);
  if (domain) await spawn(instance.uuid);
  if (domain === "shutoff") await driver.powerOff(instance.uuid);
  return instance.uuid;
}

async function spawn(uuid: string = randomUUID()) {
  const flavor = { name: "m1.tiny", memoryMb: 128, vcpus: 1, rootGb: 0, ephemeralGb: 0, swap: 0 };
  await driver.spawn({
    uuid,
    name: "x",
    flavor,
    image: { id: "img", diskFormat: "qcow2" },
    metadata: { projectId: "p", userId: "u" },
  });
  return uuid;
}

const domains = async () => new Set((await driver.listInstances()).map((d) => d.uuid));

describe("reconcile", () => {
  it("fails interrupted builds, destroys what the cloud does not place here, and sends power states that changed", async () => {
    const { conductor, tracker, run } = await setup();
    const spawning = await server(conductor, { taskState: "spawning" }, "running");
    const scheduling = await server(conductor, { taskState: "scheduling" }, false);
    const running = await server(
      conductor,
      { vmState: "active", taskState: null, powerState: 1 },
      "running",
    );
    const shutDown = await server(
      conductor,
      { vmState: "active", taskState: null, powerState: 1 },
      "shutoff",
    );
    const vanished = await server(
      conductor,
      { vmState: "active", taskState: null, powerState: 1 },
      false,
    );
    const deleted = await spawn();
    conductor.deleted.add(deleted);
    const deletedLeftovers = randomUUID();
    await mkdir(join(dir, "instances", deletedLeftovers), { recursive: true });
    conductor.deleted.add(deletedLeftovers);
    const unknown = await spawn();
    // A domain whose directory is elsewhere: another compute on the same hypervisor owns it.
    const foreign = randomUUID();
    const xml = `<domain type='test'><name>instance-${foreign}</name><uuid>${foreign}</uuid><memory>131072</memory><os><type>hvm</type></os></domain>`;
    await (await observer.domainDefineXML(xml)).create();

    const report = await run();

    expect(new Set(report.failedBuilds)).toEqual(new Set([spawning, scheduling]));
    for (const uuid of [spawning, scheduling]) {
      expect(conductor.of("build_failed")).toContainEqual({
        uuid,
        host: HOST,
        reason: RESTART_REASON,
        retryable: true,
      });
    }
    expect(new Set(report.destroyed)).toEqual(new Set([spawning, deleted, unknown]));
    expect(report.foreign).toEqual([foreign]);
    const left = await domains();
    for (const uuid of [spawning, deleted, unknown]) expect(left.has(uuid)).toBe(false);
    for (const uuid of [running, shutDown, foreign]) expect(left.has(uuid)).toBe(true);
    expect(existsSync(join(dir, "instances", deletedLeftovers))).toBe(false);
    expect(existsSync(join(dir, "instances", spawning))).toBe(false);

    expect(conductor.of("power_sync")).toEqual([
      {
        host: HOST,
        states: expect.arrayContaining([
          { uuid: shutDown, powerState: PowerState.SHUTDOWN },
          { uuid: vanished, powerState: PowerState.NOSTATE },
        ]),
      },
    ]);
    expect(report.powerStates).toHaveLength(2);
    // The tracker now holds what the cloud knows: the sync loop starts from there.
    expect(tracker.changes(await driver.listInstances())).toEqual([]);

    // Everything it did is done: a second run finds nothing to do.
    const again = await run();
    expect(again).toEqual({ failedBuilds: [], destroyed: [], foreign: [foreign], powerStates: [] });
    expect(conductor.of("power_sync")).toHaveLength(1);
    expect(conductor.of("build_failed")).toHaveLength(2);
  });

  it("sends nothing when the hypervisor agrees with the cloud", async () => {
    const { conductor, run } = await setup();
    await server(conductor, { vmState: "active", taskState: null, powerState: 1 }, "running");
    await server(conductor, { vmState: "stopped", taskState: null, powerState: 4 }, "shutoff");
    const report = await run();
    expect(report).toEqual({ failedBuilds: [], destroyed: [], foreign: [], powerStates: [] });
    expect(conductor.received.map((m) => m.name)).toEqual(["host_instances"]);
  });
});
