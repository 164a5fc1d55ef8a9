// One real guest (the tiny image from scripts/build-guest-image.sh) through the whole lifecycle on
// qemu:///system under TCG, and a reconnect through a socket that is cut like a restarting libvirtd.
import * as libvirt from "@unraid/libvirt";
import { createHash, randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { copyFile, mkdtemp, readFile, rm } from "node:fs/promises";
import { createConnection, createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PowerState, VirtError, type InstanceSpec } from "./driver";
import { LibvirtDriver } from "./libvirt-driver";
import { imageInfo } from "./qemu-img";

const IMAGE = "/var/cache/nimbus/tiny-linux.qcow2";
const BANNER = "NIMBUS TINY LINUX";
const LIBVIRT_SOCKET = "/var/run/libvirt/libvirt-sock";
const GiB = 1024 ** 3;

let dir: string;
let driver: LibvirtDriver;
let observer: libvirt.Hypervisor;
const uuid = randomUUID();

// Generous: a TCG boot takes ~3 s on an idle host and several times that on a busy one.
async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

const boots = async () => (await driver.consoleOutput(uuid)).split(BANNER).length - 1;

/** Wait until the guest has printed its banner more often than `before` times: it booted again. */
const bootedAgain = (before: number) =>
  until(`boot #${before + 1}`, async () => ((await boots()) > before ? true : undefined));

/** QEMU's domain id: a new one every time the domain is started, i.e. every fresh boot. */
const domainId = async () => (await observer.domainLookupByUUIDString(uuid)).getID();

async function libvirtState() {
  return (await (await observer.domainLookupByUUIDString(uuid)).getInfo()).state;
}

async function rfbGreeting(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host, port });
    socket.setTimeout(10_000, () => socket.destroy(new Error("no RFB greeting")));
    socket.once("data", (data) => {
      socket.destroy();
      resolve(data.toString("latin1"));
    });
    socket.once("error", reject);
  });
}

let spec: InstanceSpec;

beforeAll(async () => {
  if (!existsSync(IMAGE)) throw new Error(`${IMAGE} is missing: run scripts/build-guest-image.sh`);
  dir = await mkdtemp(join(tmpdir(), "nimbus-virt-int-"));
  spec = {
    uuid,
    name: "int-test guest",
    flavor: { name: "m1.tiny", memoryMb: 128, vcpus: 1, rootGb: 1, ephemeralGb: 0, swap: 0 },
    image: {
      id: "tiny-linux",
      diskFormat: "qcow2",
      checksum: createHash("md5")
        .update(await readFile(IMAGE))
        .digest("hex"),
    },
    metadata: { projectId: "project-int", userId: "user-int" },
  };
  driver = new LibvirtDriver({
    uri: "qemu:///system",
    virtType: "qemu",
    instancesDir: join(dir, "instances"),
    imageCacheDir: join(dir, "_base"),
    vncListen: "127.0.0.1",
    // The tiny guest has no ACPI daemon: it ignores the power button, so keep the waits short.
    shutdownTimeoutSec: 2,
    softRebootTimeoutSec: 2,
    fetchImage: (_id, dest) => copyFile(IMAGE, dest),
  });
  await driver.init();
  observer = new libvirt.Hypervisor({ uri: "qemu:///system" });
  await observer.connectOpen();
});

afterAll(async () => {
  await driver?.destroy(uuid).catch(() => undefined);
  // Belt and braces if the driver itself is what broke.
  const left = await observer?.domainLookupByUUIDString(uuid).catch(() => undefined);
  if (left) {
    await left.destroy().catch(() => undefined);
    await left.undefine().catch(() => undefined);
  }
  await driver?.close();
  await observer?.connectClose();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("LibvirtDriver on qemu:///system with a real guest", { timeout: 120_000 }, () => {
  it("spawns: the image is cached, the disk is an overlay on it, the guest boots", async () => {
    await driver.spawn(spec);
    expect(await driver.powerState(uuid)).toBe(PowerState.RUNNING);
    const disk = await imageInfo(join(dir, "instances", uuid, "disk"), { shared: true });
    expect(disk).toMatchObject({
      format: "qcow2",
      virtualSize: GiB,
      backingFile: join(dir, "_base", "tiny-linux"),
    });
    await bootedAgain(0);
    expect(await driver.consoleOutput(uuid, 200)).toContain("Run /init");
    await driver.spawn(spec); // idempotent
    expect(await boots()).toBe(1);
  });

  it("serves the VNC console on the address in the live domain", async () => {
    const { host, port } = await driver.vncAddress(uuid);
    expect(host).toBe("127.0.0.1");
    expect(port).toBeGreaterThanOrEqual(5900);
    expect(await rfbGreeting(host, port)).toBe("RFB 003.008\n");
  });

  it("lists the guest and describes the host", async () => {
    expect(await driver.listInstances()).toContainEqual({ uuid, powerState: PowerState.RUNNING });
    const host = await driver.hostInfo();
    expect(host.hypervisorType).toBe("QEMU");
    expect(host.hypervisorVersion).toBeGreaterThan(2_000_000);
    expect(host.cpuInfo.arch).toBe("x86_64");
    expect(host.vcpus).toBeGreaterThan(0);
    expect(host.memoryMb).toBeGreaterThan(512);
  });

  it("pauses and unpauses", async () => {
    await driver.pause(uuid);
    expect(await driver.powerState(uuid)).toBe(PowerState.PAUSED);
    expect(await libvirtState()).toBe(libvirt.DomainState.PAUSED);
    await driver.unpause(uuid);
    expect(await libvirtState()).toBe(libvirt.DomainState.RUNNING);
  });

  it("suspends (memory saved, QEMU gone) and resumes the same boot", async () => {
    const bootsBefore = await boots();
    await driver.suspend(uuid);
    expect(await driver.powerState(uuid)).toBe(PowerState.SUSPENDED);
    expect(await libvirtState()).toBe(libvirt.DomainState.SHUTOFF);
    expect(existsSync(join(dir, "instances", uuid, "memory.save"))).toBe(true);
    await driver.resume(uuid);
    expect(await libvirtState()).toBe(libvirt.DomainState.RUNNING);
    // The restored guest runs on (its CPU time grows) without booting again.
    const domain = await observer.domainLookupByUUIDString(uuid);
    const cpu = (await domain.getInfo()).cpuTime;
    await until("guest CPU time to grow", async () =>
      (await domain.getInfo()).cpuTime > cpu ? true : undefined,
    );
    expect(await boots()).toBe(bootsBefore);
    expect(existsSync(join(dir, "instances", uuid, "memory.save"))).toBe(false);
  });

  it("powers off and on: the guest boots again", async () => {
    const before = await boots();
    await driver.powerOff(uuid);
    expect(await driver.powerState(uuid)).toBe(PowerState.SHUTDOWN);
    expect(await libvirtState()).toBe(libvirt.DomainState.SHUTOFF);
    await driver.powerOn(uuid);
    await bootedAgain(before);
  });

  it("reboots soft (hard after the timeout: the guest ignores ACPI) and hard", async () => {
    const id = await domainId();
    await driver.reboot(uuid, "SOFT");
    const afterSoft = await domainId();
    expect(afterSoft).not.toBe(id);
    const before = await boots();
    await driver.reboot(uuid, "HARD");
    expect(await domainId()).not.toBe(afterSoft);
    expect(await driver.powerState(uuid)).toBe(PowerState.RUNNING);
    await bootedAgain(before);
  });

  it("resizes: more memory in the live domain, a larger disk, started again", async () => {
    const id = await domainId();
    await driver.resize(uuid, {
      ...spec,
      flavor: { ...spec.flavor, name: "m1.bigger", memoryMb: 192, rootGb: 2 },
    });
    expect(await driver.powerState(uuid)).toBe(PowerState.RUNNING);
    expect(await domainId()).not.toBe(id);
    const live = await (await observer.domainLookupByUUIDString(uuid)).getXMLDesc();
    expect(live).toContain("<memory unit='KiB'>196608</memory>");
    expect(live).toContain('<nimbus:flavor name="m1.bigger">');
    const disk = await imageInfo(join(dir, "instances", uuid, "disk"), { shared: true });
    expect(disk.virtualSize).toBe(2 * GiB);
    const err = await driver
      .resize(uuid, { ...spec, flavor: { ...spec.flavor, rootGb: 1 } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VirtError);
    expect((err as VirtError).message).toMatch(/cannot shrink the root disk/);
  });

  it("destroys: the domain and the instance directory are gone", async () => {
    await driver.destroy(uuid);
    await expect(observer.domainLookupByUUIDString(uuid)).rejects.toThrow(/not found/i);
    expect(existsSync(join(dir, "instances", uuid))).toBe(false);
    expect(existsSync(join(dir, "_base", "tiny-linux"))).toBe(true);
    await driver.destroy(uuid);
  });

  it("leaves nothing behind when a spawn fails (here: the image's checksum is wrong)", async () => {
    const failing = { ...spec, uuid: randomUUID(), image: { ...spec.image, id: "tampered" } };
    failing.image.checksum = "0".repeat(32);
    const err = await driver.spawn(failing).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: "IMAGE",
      message: expect.stringMatching(/md5 checksum mismatch/),
    });
    await expect(observer.domainLookupByUUIDString(failing.uuid)).rejects.toThrow(/not found/i);
    expect(existsSync(join(dir, "instances", failing.uuid))).toBe(false);
    expect(existsSync(join(dir, "_base", "tampered"))).toBe(false);
  });
});

describe("LibvirtDriver reconnecting", () => {
  let proxy: Server | undefined;
  let proxyDir: string;
  const clients = new Set<Socket>();
  let accepted = 0;

  /** A unix socket in front of libvirtd's: closing it looks like libvirtd going away. */
  async function startProxy(path: string) {
    proxy = createServer((client) => {
      accepted++;
      const upstream = createConnection(LIBVIRT_SOCKET);
      clients.add(client);
      client.pipe(upstream).pipe(client);
      const drop = () => {
        clients.delete(client);
        client.destroy();
        upstream.destroy();
      };
      client.on("close", drop).on("error", drop);
      upstream.on("close", drop).on("error", drop);
    });
    await new Promise<void>((resolve) => proxy!.listen(path, resolve));
  }

  async function stopProxy() {
    const closed = new Promise((resolve) => proxy?.close(resolve));
    for (const client of clients) client.destroy();
    await closed;
    proxy = undefined;
  }

  beforeAll(async () => {
    proxyDir = await mkdtemp(join(tmpdir(), "nimbus-virt-proxy-"));
  });
  afterAll(async () => {
    await stopProxy();
    await rm(proxyDir, { recursive: true, force: true });
  });

  it("reopens the connection after libvirtd's socket went away and came back", async () => {
    const socket = join(proxyDir, "libvirt-sock");
    await startProxy(socket);
    const viaProxy = new LibvirtDriver({
      uri: `qemu+unix:///system?socket=${socket}`,
      virtType: "qemu",
      instancesDir: join(proxyDir, "instances"),
      imageCacheDir: join(proxyDir, "_base"),
      vncListen: "127.0.0.1",
      fetchImage: () => Promise.reject(new Error("not used")),
    });
    try {
      await viaProxy.init();
      await viaProxy.listInstances();
      await stopProxy();
      const down = await viaProxy.listInstances().catch((e: unknown) => e);
      expect(down).toBeInstanceOf(VirtError);
      expect((down as VirtError).message).toMatch(/cannot connect to qemu\+unix/);
      await startProxy(socket);
      await viaProxy.listInstances();
      expect(accepted).toBe(2);
    } finally {
      await viaProxy.close();
    }
  });
});
