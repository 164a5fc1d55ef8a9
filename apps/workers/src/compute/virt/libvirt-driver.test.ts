// The whole driver against libvirt's test:///default hypervisor: in-process, no daemon, ~1 ms a call.
// Its state is shared by every connection in this process, so a second connection can look at
// what the driver did.
import * as libvirt from "@unraid/libvirt";
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PowerState, VirtError, type InstanceSpec } from "./driver";
import { LibvirtDriver, lastLines } from "./libvirt-driver";

let dir: string;
let driver: LibvirtDriver;
let observer: libvirt.Hypervisor;
const fetched: string[] = [];
const spawned = new Set<string>();

function spec(overrides: Partial<InstanceSpec["flavor"]> = {}, uuid = randomUUID()): InstanceSpec {
  return {
    uuid,
    name: "web & db <1>",
    flavor: {
      name: "m1.tiny",
      memoryMb: 128,
      vcpus: 1,
      rootGb: 1,
      ephemeralGb: 0,
      swap: 0,
      ...overrides,
    },
    image: { id: "tiny-linux", diskFormat: "qcow2" },
    metadata: { projectId: "project-1", userId: "user-1" },
  };
}

async function spawn(s = spec()): Promise<string> {
  spawned.add(s.uuid);
  await driver.spawn(s);
  return s.uuid;
}

/** The domain as libvirt sees it, through a connection of our own. */
async function inspect(uuid: string) {
  const domain = await observer.domainLookupByUUIDString(uuid);
  return { info: await domain.getInfo(), id: await domain.getID(), xml: await domain.getXMLDesc() };
}

async function expectVirtError(
  promise: Promise<unknown>,
  code: VirtError["code"],
  message: RegExp,
) {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(VirtError);
  expect((err as VirtError).code).toBe(code);
  expect((err as VirtError).message).toMatch(message);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "nimbus-virt-test-"));
  driver = new LibvirtDriver({
    uri: "test:///default",
    virtType: "qemu",
    instancesDir: join(dir, "instances"),
    imageCacheDir: join(dir, "_base"),
    vncListen: "127.0.0.1",
    shutdownTimeoutSec: 5,
    softRebootTimeoutSec: 5,
    fetchImage: async (imageId) => {
      fetched.push(imageId);
    },
  });
  await driver.init();
  observer = new libvirt.Hypervisor({ uri: "test:///default" });
  await observer.connectOpen();
});

afterAll(async () => {
  await Promise.all([...spawned].map((uuid) => driver?.destroy(uuid)));
  await driver?.close();
  await observer?.connectClose();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("LibvirtDriver on test:///default", () => {
  it("spawns a running domain without storage: no image fetched, no disk, a console log", async () => {
    const uuid = await spawn();
    expect(await driver.powerState(uuid)).toBe(PowerState.RUNNING);
    const { xml } = await inspect(uuid);
    expect(xml).toContain(`<name>instance-${uuid}</name>`);
    expect(xml).not.toContain("<disk");
    expect(xml).toContain("<nimbus:name>web &amp; db &lt;1&gt;</nimbus:name>");
    expect(driver.hasStorage).toBe(false);
    expect(fetched).toEqual([]);
    expect(await readdir(join(dir, "instances", uuid))).toEqual(["console.log"]);
  });

  it("spawn is idempotent and starts an existing domain that is shut off", async () => {
    const s = spec();
    const uuid = await spawn(s);
    const first = (await inspect(uuid)).id;
    await driver.spawn(s);
    expect((await inspect(uuid)).id).toBe(first);
    await driver.powerOff(uuid);
    await driver.spawn(s);
    expect(await driver.powerState(uuid)).toBe(PowerState.RUNNING);
  });

  it("lists only cloud domains, with their power states", async () => {
    const running = await spawn();
    const stopped = await spawn();
    await driver.powerOff(stopped);
    const listed = await driver.listInstances();
    expect(listed).toContainEqual({ uuid: running, powerState: PowerState.RUNNING });
    expect(listed).toContainEqual({ uuid: stopped, powerState: PowerState.SHUTDOWN });
    // test:///default always holds a domain named "test"; it is not ours.
    expect(listed.every((i) => /^[0-9a-f-]{36}$/.test(i.uuid))).toBe(true);
  });

  it("powers off and on", async () => {
    const uuid = await spawn();
    await driver.powerOff(uuid, { timeoutSec: 1 });
    expect(await driver.powerState(uuid)).toBe(PowerState.SHUTDOWN);
    await driver.powerOff(uuid);
    expect(await driver.powerState(uuid)).toBe(PowerState.SHUTDOWN);
    await driver.powerOn(uuid);
    expect(await driver.powerState(uuid)).toBe(PowerState.RUNNING);
  });

  it("reboots soft and hard: the domain is started again (a new domain id)", async () => {
    const uuid = await spawn();
    const before = (await inspect(uuid)).id as number;
    await driver.reboot(uuid, "SOFT");
    const afterSoft = (await inspect(uuid)).id as number;
    expect(afterSoft).toBeGreaterThan(before);
    await driver.reboot(uuid, "HARD");
    expect((await inspect(uuid)).id).toBeGreaterThan(afterSoft);
    expect(await driver.powerState(uuid)).toBe(PowerState.RUNNING);
  });

  it("reboots a stopped instance hard even when asked for soft, as Nova does", async () => {
    const uuid = await spawn();
    await driver.powerOff(uuid);
    await driver.reboot(uuid, "SOFT");
    expect(await driver.powerState(uuid)).toBe(PowerState.RUNNING);
  });

  it("recreates a lost domain from the spec on a hard reboot", async () => {
    const s = spec();
    const uuid = await spawn(s);
    const domain = await observer.domainLookupByUUIDString(uuid);
    await domain.destroy();
    await domain.undefine();
    await expectVirtError(driver.reboot(uuid, "HARD"), "NOT_FOUND", /not found/);
    await driver.reboot(uuid, "HARD", s);
    expect(await driver.powerState(uuid)).toBe(PowerState.RUNNING);
  });

  it("pauses and unpauses", async () => {
    const uuid = await spawn();
    await driver.pause(uuid);
    expect(await driver.powerState(uuid)).toBe(PowerState.PAUSED);
    expect((await inspect(uuid)).info.state).toBe(libvirt.DomainState.PAUSED);
    await driver.unpause(uuid);
    expect(await driver.powerState(uuid)).toBe(PowerState.RUNNING);
  });

  it("suspends to a memory image in the instance directory and resumes from it", async () => {
    const uuid = await spawn();
    const memory = join(dir, "instances", uuid, "memory.save");
    await driver.suspend(uuid);
    expect(await driver.powerState(uuid)).toBe(PowerState.SUSPENDED);
    expect((await inspect(uuid)).info.state).toBe(libvirt.DomainState.SHUTOFF);
    expect(existsSync(memory)).toBe(true);
    expect(await driver.listInstances()).toContainEqual({ uuid, powerState: PowerState.SUSPENDED });
    await driver.suspend(uuid);
    await driver.resume(uuid);
    expect(await driver.powerState(uuid)).toBe(PowerState.RUNNING);
    expect(existsSync(memory)).toBe(false);
  });

  it("forgets the saved memory when a suspended instance is powered off", async () => {
    const uuid = await spawn();
    await driver.suspend(uuid);
    await driver.powerOff(uuid);
    expect(await driver.powerState(uuid)).toBe(PowerState.SHUTDOWN);
    await expectVirtError(driver.resume(uuid), "INVALID_STATE", /not suspended/);
  });

  it("resizes memory and vcpus, keeping the power state", async () => {
    const s = spec();
    const uuid = await spawn(s);
    await driver.resize(uuid, {
      ...s,
      flavor: { ...s.flavor, name: "m1.small", memoryMb: 256, vcpus: 2 },
    });
    expect(await driver.powerState(uuid)).toBe(PowerState.RUNNING);
    const { info, xml } = await inspect(uuid);
    expect(info.maxMem).toBe(256 * 1024);
    expect(info.nrVirtCpu).toBe(2);
    expect(xml).toContain('<nimbus:flavor name="m1.small">');

    await driver.powerOff(uuid);
    await driver.resize(uuid, { ...s, flavor: { ...s.flavor, memoryMb: 512 } });
    expect(await driver.powerState(uuid)).toBe(PowerState.SHUTDOWN);
    expect((await inspect(uuid)).info.maxMem).toBe(512 * 1024);

    await driver.powerOn(uuid);
    await driver.pause(uuid);
    await driver.resize(uuid, { ...s, flavor: { ...s.flavor, memoryMb: 64 } });
    expect(await driver.powerState(uuid)).toBe(PowerState.PAUSED);
  });

  it("refuses to resize with a spec for another instance", async () => {
    const uuid = await spawn();
    await expectVirtError(driver.resize(uuid, spec()), "INVALID_ARGUMENT", /spec is for/);
  });

  it("destroys: domain and instance directory gone, idempotent", async () => {
    const uuid = await spawn();
    await driver.destroy(uuid);
    await expectVirtError(
      driver.powerState(uuid),
      "NOT_FOUND",
      new RegExp(`instance-${uuid} not found`),
    );
    expect(existsSync(join(dir, "instances", uuid))).toBe(false);
    expect((await driver.listInstances()).map((i) => i.uuid)).not.toContain(uuid);
    await driver.destroy(uuid);
  });

  it("destroys suspended and paused instances too", async () => {
    const suspended = await spawn();
    const paused = await spawn();
    await driver.suspend(suspended);
    await driver.pause(paused);
    await Promise.all([driver.destroy(suspended), driver.destroy(paused)]);
    const left = (await driver.listInstances()).map((i) => i.uuid);
    expect(left).not.toContain(suspended);
    expect(left).not.toContain(paused);
  });

  it("reports errors as VirtErrors with a reason", async () => {
    const uuid = await spawn();
    await driver.powerOff(uuid);
    await expectVirtError(
      driver.pause(uuid),
      "INVALID_STATE",
      new RegExp(`pause instance-${uuid} failed`),
    );
    await expectVirtError(driver.suspend(uuid), "INVALID_STATE", /not running/);
    await expectVirtError(driver.powerOn(randomUUID()), "NOT_FOUND", /not found/);
    await expectVirtError(driver.destroy("../../etc"), "INVALID_ARGUMENT", /not an instance uuid/);
    await expectVirtError(
      driver.spawn({ ...spec(), flavor: { ...spec().flavor, memoryMb: 0 } }),
      "INVALID_ARGUMENT",
      /memoryMb/,
    );
  });

  it("has no VNC display on the test hypervisor (it assigns no port)", async () => {
    const uuid = await spawn();
    await expectVirtError(driver.vncAddress(uuid), "INVALID_STATE", /no VNC display/);
  });

  it("returns the tail of the console log", async () => {
    const uuid = await spawn();
    expect(await driver.consoleOutput(uuid)).toBe("");
    await writeFile(join(dir, "instances", uuid, "console.log"), "one\ntwo\nthree\n");
    expect(await driver.consoleOutput(uuid)).toBe("one\ntwo\nthree\n");
    expect(await driver.consoleOutput(uuid, 2)).toBe("two\nthree\n");
    await writeFile(
      join(dir, "instances", uuid, "console.log"),
      "x".repeat(50) + "\n" + "y\n".repeat(60_000),
    );
    const big = await driver.consoleOutput(uuid);
    expect(big.length).toBeLessThanOrEqual(100 * 1024);
    expect(big.startsWith("y\n")).toBe(true);
  });

  it("serializes operations on one instance and runs different instances in parallel", async () => {
    const uuid = await spawn();
    // Issued together, applied in order: the last one wins.
    await Promise.all([driver.powerOff(uuid), driver.powerOn(uuid), driver.pause(uuid)]);
    expect(await driver.powerState(uuid)).toBe(PowerState.PAUSED);

    const many = Array.from({ length: 20 }, () => spec());
    await Promise.all(many.map((s) => spawn(s)));
    const states = new Map((await driver.listInstances()).map((i) => [i.uuid, i.powerState]));
    expect(many.map((s) => states.get(s.uuid))).toEqual(many.map(() => PowerState.RUNNING));
  });

  it("describes the host", async () => {
    const host = await driver.hostInfo();
    // test:///default's fixed node: 16 CPUs on 2 cells, 3 GiB, an i686, "TEST 0.0.2".
    expect(host).toMatchObject({
      vcpus: 16,
      memoryMb: 3072,
      hypervisorType: "test",
      hypervisorVersion: 2,
      cpuInfo: { arch: "i686", topology: { cells: 2, sockets: 2, cores: 2, threads: 2 } },
    });
    expect(host.localGb).toBeGreaterThan(0);
    expect(host.freeDiskGb).toBeLessThanOrEqual(host.localGb);
    expect(host.hypervisorHostname.length).toBeGreaterThan(0);
    expect(host.hostIp).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
  });
});

describe("lastLines", () => {
  it("keeps the last n lines and the final newline", () => {
    expect(lastLines("a\nb\nc\n", 2)).toBe("b\nc\n");
    expect(lastLines("a\nb\nc", 2)).toBe("b\nc");
    expect(lastLines("a\nb\n", 5)).toBe("a\nb\n");
    expect(lastLines("a\nb\n", 0)).toBe("");
    expect(lastLines("", 3)).toBe("");
  });
});
