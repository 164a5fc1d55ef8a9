// Real guests: one compute on qemu:///system (TCG) booting the tiny image. The server really boots
// (its banner is in the console output), every action changes the real domain as virsh sees it,
// resize redefines it, and delete removes the domain and its disk. One guest, used in order; then
// a compute killed while guests are being built leaves exactly one domain per ACTIVE server.
import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, onTestFailed, test } from "vitest";
import type { ApiClient } from "../stack/client";
import {
  FLAVORS,
  allServers,
  createServer,
  deleteAll,
  expectedUsage,
  hostUsage,
  isActive,
  isSettled,
  serverAction,
} from "../stack/servers";
import { run, startStack, virsh, type Stack } from "../stack/stack";

const HOST = "node-qemu";
const BOOT_MS = 120_000; // a TCG boot takes seconds when the machine is idle, much longer when not
const BANNER = /NIMBUS TINY LINUX \S+ BOOTED/g;

let stack: Stack;
let alice: ApiClient;
let id: string;

beforeAll(async () => {
  stack = await startStack({
    name: "spine-real-guests",
    computes: [
      // The guest powers off on ACPI within seconds; the timeout only bounds a broken one.
      { host: HOST, libvirtUri: "qemu:///system", env: { NIMBUS_SHUTDOWN_TIMEOUT: "30" } },
    ],
  });
  alice = await stack.compute({ user: "alice", project: "p1" });
});

afterAll(async () => {
  await stack?.stop();
});

const domain = () => `instance-${id}`;
const domstate = async () => (await virsh("domstate", domain())).trim();

/** How many times the guest has booted, from the serial console log os-getConsoleOutput returns. */
async function boots(): Promise<number> {
  const res = await serverAction(alice, id, { "os-getConsoleOutput": {} });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return (res.body.output as string).match(BANNER)?.length ?? 0;
}

async function waitForBoots(n: number) {
  await expect.poll(boots, { timeout: BOOT_MS, interval: 500 }).toBeGreaterThanOrEqual(n);
}

/** Run an action and wait until the server shows `status` with no task left. */
async function act(body: Record<string, unknown>, status: string, timeoutMs = BOOT_MS) {
  const res = await serverAction(alice, id, body);
  expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
  const server = await stack.waitForServer(
    id,
    (s) => s["OS-EXT-STS:task_state"] === null && s.status !== "BUILD",
    timeoutMs,
  );
  expect(server.status, server.fault?.message).toBe(status);
  return server;
}

// Up to two boots per test, each bounded by BOOT_MS.
const GUEST_TEST_MS = 3 * BOOT_MS;

describe("a real guest on qemu:///system", { timeout: GUEST_TEST_MS }, () => {
  test("create → ACTIVE, and the guest really boots", async () => {
    onTestFailed(async () => console.log(await stack.logTail(30)));
    id = await createServer(stack, alice, { name: "real-guest" });
    const server = await stack.waitForServer(id, isActive, BOOT_MS);
    expect(server["OS-EXT-SRV-ATTR:host"]).toBe(HOST);
    expect(await domstate()).toBe("running");
    const xml = await virsh("dumpxml", domain());
    expect(xml).toMatch(/<domain type='qemu'/);
    expect(xml).toContain(stack.instanceDir(HOST, id));
    await waitForBoots(1);
  });

  test("reboot HARD and SOFT each boot the guest again", async () => {
    const before = await boots();
    await act({ reboot: { type: "HARD" } }, "ACTIVE");
    expect(await domstate()).toBe("running");
    await waitForBoots(before + 1);
    await act({ reboot: { type: "SOFT" } }, "ACTIVE");
    expect(await domstate()).toBe("running");
    await waitForBoots(before + 2);
  });

  test("stop shuts the domain off; start boots it again", async () => {
    const before = await boots();
    await act({ "os-stop": null }, "SHUTOFF");
    expect(await domstate()).toBe("shut off");
    await act({ "os-start": null }, "ACTIVE");
    expect(await domstate()).toBe("running");
    await waitForBoots(before + 1);
  });

  test("pause and unpause freeze and thaw the domain", async () => {
    const before = await boots();
    await act({ pause: null }, "PAUSED");
    expect(await domstate()).toBe("paused");
    await act({ unpause: null }, "ACTIVE");
    expect(await domstate()).toBe("running");
    expect(await boots()).toBe(before);
  });

  test("suspend saves the guest's memory to disk; resume restores it without a reboot", async () => {
    const before = await boots();
    const server = await act({ suspend: null }, "SUSPENDED");
    expect(server["OS-EXT-STS:power_state"]).toBe(7);
    expect(await domstate()).toBe("shut off");
    expect(existsSync(`${stack.instanceDir(HOST, id)}/memory.save`)).toBe(true);
    await act({ resume: null }, "ACTIVE");
    expect(await domstate()).toBe("running");
    expect(existsSync(`${stack.instanceDir(HOST, id)}/memory.save`)).toBe(false);
    expect(await boots()).toBe(before);
  });

  test("resize redefines the domain with the new flavor's memory and disk", async () => {
    const memoryKiB = async () =>
      Number((await virsh("dumpxml", domain())).match(/<memory unit='KiB'>(\d+)<\/memory>/)?.[1]);
    expect(await memoryKiB()).toBe(FLAVORS.tiny.ram * 1024);

    await act({ resize: { flavorRef: FLAVORS.small.id } }, "VERIFY_RESIZE");
    expect(await memoryKiB()).toBe(FLAVORS.small.ram * 1024);
    const info = JSON.parse(
      await run("qemu-img", ["info", "-U", "--output=json", `${stack.instanceDir(HOST, id)}/disk`]),
    );
    expect(info["virtual-size"]).toBe(FLAVORS.small.disk * 1024 ** 3);

    const res = await serverAction(alice, id, { confirmResize: null });
    expect(res.status).toBe(204);
    const server = await stack.waitForServer(id, isActive);
    expect(server.flavor.original_name).toBe("m1.small");
    expect(await domstate()).toBe("running");
  });

  test("delete removes the domain and its disk", async () => {
    const dir = stack.instanceDir(HOST, id);
    expect(existsSync(`${dir}/disk`)).toBe(true);
    expect((await alice.delete(`/servers/${id}`)).status).toBe(204);
    await stack.waitForServerGone(id, 60_000);
    await expect(virsh("domstate", domain())).rejects.toThrow(/failed to get domain/);
    expect(existsSync(dir)).toBe(false);
  });
});

describe(
  "kill -9 of the compute while real guests are being built",
  { timeout: GUEST_TEST_MS },
  () => {
    test("after its restart no server stays in BUILD, and each ACTIVE server has exactly one domain", async () => {
      onTestFailed(async () => console.log(await stack.logTail(40)));
      const compute = stack.process(`compute:${HOST}`);
      // One guest already running before the crash must come through it untouched.
      const survivor = await createServer(stack, alice, { name: "survivor" });
      await stack.waitForServer(survivor, isActive, BOOT_MS);

      const creating = Promise.all(
        [1, 2, 3].map((n) => createServer(stack, alice, { name: `crash-${n}` })),
      );
      const spawning = await stack.events.until(
        () =>
          stack.events
            .servers()
            .find((uuid) => stack.events.updates(uuid).at(-1)?.taskState === "spawning"),
        BOOT_MS,
      );
      await compute.kill("SIGKILL");
      const ids = [survivor, ...(await creating)];
      expect(ids).toContain(spawning);

      await compute.start();
      const servers = await Promise.all(
        ids.map((sid) => stack.waitForServer(sid, isSettled, BOOT_MS)),
      );
      const active = servers.filter((s) => s.status === "ACTIVE").map((s) => s.id);
      expect(active).toContain(survivor);
      for (const s of servers) {
        if (s.status === "ERROR") expect(s.fault?.message, s.id).toEqual(expect.any(String));
      }

      // libvirt's view: a running domain for each ACTIVE server, none for the others, no orphans.
      const domains = (await virsh("list", "--all", "--name")).split("\n").map((n) => n.trim());
      const ours = domains.filter((n) => ids.some((sid) => n === `instance-${sid}`));
      expect(ours.sort()).toEqual(active.map((sid) => `instance-${sid}`).sort());
      for (const name of ours) expect((await virsh("domstate", name)).trim()).toBe("running");
      expect((await hostUsage(stack)).get(HOST)).toMatchObject(
        expectedUsage(await allServers(stack), HOST),
      );

      await deleteAll(stack, BOOT_MS);
      const left = (await virsh("list", "--all", "--name"))
        .split("\n")
        .filter((n) => ids.some((sid) => n.trim() === `instance-${sid}`));
      expect(left).toEqual([]);
      for (const sid of ids) expect(existsSync(stack.instanceDir(HOST, sid))).toBe(false);
    });
  },
);
