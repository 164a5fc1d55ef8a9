// The power-state sync: what it sends (only changes, never for busy instances) and the loop.
import * as libvirt from "@unraid/libvirt";
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createMemoryBus } from "@nimbus/rpc/memory";
import { capturingLogger } from "@nimbus/rpc/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InstanceTracker, startPowerSync, syncPowerStates } from "./power-sync";
import { serveFakeConductor } from "./testing/fake-conductor";
import { PowerState } from "./virt/driver";
import { LibvirtDriver } from "./virt/libvirt-driver";

const HOST = "compute-1";

describe("InstanceTracker", () => {
  it("reports differences from the last report, NOSTATE for a vanished domain, and ignores unknown domains", () => {
    const t = new InstanceTracker();
    t.reportedState("a", 1);
    t.reportedState("b", 1);
    t.reportedState("c", 4);
    const changes = t.changes([
      { uuid: "a", powerState: 1 },
      { uuid: "b", powerState: 3 },
      { uuid: "stranger", powerState: 1 },
    ]);
    expect(changes).toEqual([
      { uuid: "b", powerState: 3 },
      { uuid: "c", powerState: 0 },
    ]);
  });

  it("skips an instance while any operation on it runs, and forgets deleted ones", () => {
    const t = new InstanceTracker();
    t.reportedState("a", 1);
    const endFirst = t.begin("a");
    const endSecond = t.begin("a");
    expect(t.changes([{ uuid: "a", powerState: 4 }])).toEqual([]);
    endFirst();
    endFirst(); // ending twice does not end the other operation
    expect(t.isBusy("a")).toBe(true);
    expect(t.changes([{ uuid: "a", powerState: 4 }])).toEqual([]);
    endSecond();
    expect(t.changes([{ uuid: "a", powerState: 4 }])).toEqual([{ uuid: "a", powerState: 4 }]);
    t.forget("a");
    expect(t.changes([{ uuid: "a", powerState: 4 }])).toEqual([]);
  });
});

describe("syncPowerStates on test:///default", () => {
  let dir: string;
  let driver: LibvirtDriver;
  let observer: libvirt.Hypervisor;
  const uuids: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "nimbus-power-sync-test-"));
    driver = new LibvirtDriver({
      uri: "test:///default",
      virtType: "qemu",
      instancesDir: join(dir, "instances"),
      imageCacheDir: join(dir, "_base"),
      vncListen: "127.0.0.1",
      fetchImage: async () => {},
    });
    await driver.init();
    observer = new libvirt.Hypervisor({ uri: "test:///default" });
    await observer.connectOpen();
    for (let i = 0; i < 3; i++) {
      const uuid = randomUUID();
      await driver.spawn({
        uuid,
        name: `vm${i}`,
        flavor: { name: "m1.tiny", memoryMb: 128, vcpus: 1, rootGb: 0, ephemeralGb: 0, swap: 0 },
        image: { id: "img", diskFormat: "qcow2" },
        metadata: { projectId: "p", userId: "u" },
      });
      uuids.push(uuid);
    }
  });

  afterAll(async () => {
    for (const uuid of uuids) await driver?.destroy(uuid);
    await driver?.close();
    await observer?.connectClose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function setup() {
    const bus = createMemoryBus({ castsAsCalls: true });
    const conductor = await serveFakeConductor(bus);
    const tracker = new InstanceTracker();
    for (const uuid of uuids) tracker.reportedState(uuid, PowerState.RUNNING);
    const { logger } = capturingLogger();
    return { bus, conductor, tracker, opts: { bus, driver, tracker, host: HOST, logger } };
  }

  it("sends only what changed, once", async () => {
    const { conductor, opts } = await setup();
    expect(await syncPowerStates(opts)).toEqual([]);
    expect(conductor.of("power_sync")).toEqual([]);

    // The guest is paused behind the cloud's back.
    await (await observer.domainLookupByUUIDString(uuids[0]!)).suspend();
    expect(await syncPowerStates(opts)).toEqual([
      { uuid: uuids[0], powerState: PowerState.PAUSED },
    ]);
    expect(conductor.of("power_sync")).toEqual([
      { host: HOST, states: [{ uuid: uuids[0], powerState: PowerState.PAUSED }] },
    ]);
    expect(await syncPowerStates(opts)).toEqual([]);
    expect(conductor.of("power_sync")).toHaveLength(1);
    await (await observer.domainLookupByUUIDString(uuids[0]!)).resume();
  });

  it("leaves an instance alone while an operation runs on it, and keeps the outcome that operation reports", async () => {
    const { conductor, tracker, opts } = await setup();
    await driver.powerOff(uuids[1]!);
    const end = tracker.begin(uuids[1]!);
    expect(await syncPowerStates(opts)).toEqual([]);
    end();

    // An operation that starts while the sync's report is in flight has the last word: its
    // report (RUNNING) stays, so the next pass sees the domain differ from it again.
    let endOp = () => {};
    conductor.intercept("power_sync", (_payload, next) => {
      endOp = tracker.begin(uuids[1]!);
      tracker.reportedState(uuids[1]!, PowerState.RUNNING);
      return next();
    });
    expect(await syncPowerStates(opts)).toEqual([
      { uuid: uuids[1], powerState: PowerState.SHUTDOWN },
    ]);
    endOp();
    expect(tracker.changes(await driver.listInstances())).toEqual([
      { uuid: uuids[1], powerState: PowerState.SHUTDOWN },
    ]);
    await driver.powerOn(uuids[1]!);
  });

  it("runs as a loop until stopped", async () => {
    const { conductor, opts } = await setup();
    await driver.powerOff(uuids[2]!);
    const loop = startPowerSync({ ...opts, intervalMs: 10 });
    await conductor.waitFor("power_sync");
    await loop.stop();
    expect(conductor.of("power_sync")).toEqual([
      { host: HOST, states: [{ uuid: uuids[2], powerState: PowerState.SHUTDOWN }] },
    ]);
    await driver.powerOn(uuids[2]!);
  });
});
