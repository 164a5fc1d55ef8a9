// A real guest on qemu:///system driven through the compute manager: the tiny image is served by a
// local HTTP server standing in for the image API, downloaded, verified and cached; the guest
// boots (its banner shows in get_console_output), stops, starts again and is deleted with its disk.
import { createHash, randomUUID } from "node:crypto";
import { createReadStream, existsSync } from "node:fs";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  buildAndRunInstance,
  getConsoleOutput,
  startInstance,
  stopInstance,
  systemContext,
  terminateInstance,
  type CastContract,
} from "@nimbus/rpc";
import type { ServerActionName } from "@nimbus/rpc/domain";
import { createMemoryBus } from "@nimbus/rpc/memory";
import { waitFor } from "@nimbus/rpc/testing";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createImageFetcher, noauth2Auth } from "./image-fetch";
import { taskStateOf } from "./instance-operation";
import { computeHandlers } from "./manager";
import { InstanceTracker } from "./power-sync";
import { fakeInstance, serveFakeConductor, type FakeConductor } from "./testing/fake-conductor";
import { PowerState } from "./virt/driver";
import { LibvirtDriver } from "./virt/libvirt-driver";

const IMAGE_FILE = "/var/cache/nimbus/tiny-linux.qcow2";
const BANNER = "NIMBUS TINY LINUX";
const HOST = "compute-real-1";
const BOOT_TIMEOUT_MS = 120_000; // a TCG boot takes a few seconds idle, much longer on a busy host

let dir: string;
let server: Server;
let driver: LibvirtDriver;
let conductor: FakeConductor;
const bus = createMemoryBus({ castsAsCalls: true, host: HOST });
const ctx = systemContext();
const imageId = randomUUID();
const imageSizes = new Map<string, number | null>();
const downloads: string[] = [];
const uuid = randomUUID();

beforeAll(async () => {
  if (!existsSync(IMAGE_FILE))
    throw new Error(`${IMAGE_FILE} is missing: run scripts/build-guest-image.sh`);
  dir = await mkdtemp(join(tmpdir(), "nimbus-compute-guest-"));
  server = createServer((req, res) => {
    if (
      req.url !== `/image/v2/images/${imageId}/file` ||
      req.headers["x-auth-token"] !== "nova:service"
    ) {
      res.writeHead(404).end();
      return;
    }
    downloads.push(req.url);
    void stat(IMAGE_FILE).then(({ size }) => {
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": size });
      createReadStream(IMAGE_FILE).pipe(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;

  driver = new LibvirtDriver({
    uri: "qemu:///system",
    virtType: "qemu",
    instancesDir: join(dir, "instances"),
    imageCacheDir: join(dir, "_base"),
    vncListen: "127.0.0.1",
    // The tiny guest has no ACPI daemon: a clean shutdown only ever ends at its timeout.
    shutdownTimeoutSec: 2,
    logger: pino({ level: "silent" }),
    fetchImage: createImageFetcher({
      baseUrl: `http://127.0.0.1:${port}/image`,
      auth: noauth2Auth("nova", "service"),
      expectedSize: (id) => imageSizes.get(id),
    }),
  });
  await driver.init();
  conductor = await serveFakeConductor(bus);
  const tracker = new InstanceTracker();
  await bus.serve(
    { service: "compute", host: HOST },
    computeHandlers({ bus, driver, host: HOST, tracker, imageSizes }),
  );
});

afterAll(async () => {
  await driver?.destroy(uuid).catch(() => undefined);
  await driver?.close();
  await new Promise((resolve) => server?.close(resolve));
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function act<C extends CastContract>(contract: C, action: ServerActionName) {
  const instance = conductor.instances.get(uuid)!;
  instance.taskState = taskStateOf(action);
  await bus.cast(contract, { instance } as never, { ctx, host: HOST });
  return conductor.instances.get(uuid)!;
}

const banners = async () =>
  (await bus.call(getConsoleOutput, { uuid }, { ctx, host: HOST })).output.split(BANNER).length - 1;

const booted = (times: number) =>
  waitFor(async () => (await banners()) >= times, {
    timeoutMs: BOOT_TIMEOUT_MS,
    intervalMs: 250,
    what: `boot #${times} of the guest`,
  });

describe("a real guest through the compute manager", () => {
  it(
    "builds from the image API, boots, stops, starts and is deleted with its disk",
    async () => {
      const data = await readFile(IMAGE_FILE);
      const image = {
        id: imageId,
        diskFormat: "qcow2",
        size: data.length,
        checksum: createHash("md5").update(data).digest("hex"),
        osHashValue: createHash("sha512").update(data).digest("hex"),
      };
      const instance = fakeInstance({ uuid, host: HOST, name: "real guest" });
      conductor.instances.set(uuid, instance);

      await bus.cast(buildAndRunInstance, { instance, image, attempt: 1 }, { ctx, host: HOST });
      expect(conductor.of("build_failed")).toEqual([]);
      expect(conductor.instances.get(uuid)).toMatchObject({
        vmState: "active",
        taskState: null,
        powerState: PowerState.RUNNING,
      });
      expect(downloads).toHaveLength(1);
      expect(existsSync(join(dir, "_base", imageId))).toBe(true);
      expect(existsSync(join(dir, "instances", uuid, "disk"))).toBe(true);
      await booted(1);

      const stopped = await act(stopInstance, "stop");
      expect(stopped).toMatchObject({
        vmState: "stopped",
        taskState: null,
        powerState: PowerState.SHUTDOWN,
      });
      expect(await driver.powerState(uuid)).toBe(PowerState.SHUTDOWN);

      const before = await banners();
      const started = await act(startInstance, "start");
      expect(started).toMatchObject({
        vmState: "active",
        taskState: null,
        powerState: PowerState.RUNNING,
      });
      await booted(before + 1);

      await act(terminateInstance, "delete");
      expect(conductor.of("instance_destroyed")).toEqual([{ uuid, host: HOST }]);
      expect((await driver.listInstances()).some((d) => d.uuid === uuid)).toBe(false);
      expect(existsSync(join(dir, "instances", uuid))).toBe(false);
      // The cached base stays for the next instance of the image, as Nova's _base does.
      expect(existsSync(join(dir, "_base", imageId))).toBe(true);
    },
    3 * BOOT_TIMEOUT_MS,
  );
});
