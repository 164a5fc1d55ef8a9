// The compute as a real process (main.ts) on the real RabbitMQ (a vhost of its own), with libvirt's
// test:///default hypervisor, against a fake conductor served from this test: start-up order,
// heartbeats, the build and action flows, 20 concurrent builds, the build latency, a kill -9 in
// the middle of builds, and a clean SIGTERM.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  buildAndRunInstance,
  connectBus,
  getConsoleOutput,
  startInstance,
  stopInstance,
  systemContext,
  terminateInstance,
  type Bus,
  type CastContract,
} from "@nimbus/rpc";
import type { ServerActionName } from "@nimbus/rpc/domain";
import { createTestVhost, waitFor, type TestVhost } from "@nimbus/rpc/testing";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { taskStateOf } from "./instance-operation";
import { RESTART_REASON } from "./reconcile";
import { fakeInstance, serveFakeConductor, type FakeConductor } from "./testing/fake-conductor";

const HOST = "compute-int-1";
const WORKERS_DIR = join(dirname(fileURLToPath(import.meta.url)), "../..");
const IMAGE = { id: "tiny", diskFormat: "qcow2", size: 1, checksum: null, osHashValue: null };
const ctx = systemContext();

let vhost: TestVhost;
let bus: Bus;
let conductor: FakeConductor;
let dir: string;
let compute: Compute | undefined;

interface Compute {
  child: ChildProcess;
  logs: Array<Record<string, unknown>>;
  exited: Promise<number | null>;
}

/** Start `npx tsx src/compute/main.ts` as its own process, with only the settings it needs. */
function startCompute(): Compute {
  const child = spawn(process.execPath, ["--import", "tsx", "src/compute/main.ts"], {
    cwd: WORKERS_DIR,
    env: {
      PATH: process.env.PATH,
      NIMBUS_AMQP_URL: vhost.url,
      NIMBUS_HOST: HOST,
      NIMBUS_LOG_LEVEL: "info",
      NIMBUS_LIBVIRT_URI: "test:///default",
      NIMBUS_INSTANCES_DIR: join(dir, "instances"),
      NIMBUS_IMAGE_CACHE_DIR: join(dir, "_base"),
      NIMBUS_REPORT_INTERVAL: "0.5",
      NIMBUS_SYNC_POWER_STATE_INTERVAL: "0.2",
      NIMBUS_SHUTDOWN_TIMEOUT: "0",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: Array<Record<string, unknown>> = [];
  let buffer = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    buffer += chunk.toString("utf8");
    const lines = buffer.split("\n");
    buffer = lines.pop()!;
    for (const line of lines)
      if (line.trim()) logs.push(JSON.parse(line) as Record<string, unknown>);
  });
  child.stderr!.on("data", (chunk: Buffer) => process.stderr.write(chunk));
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => resolve(code)),
  );
  return { child, logs, exited };
}

const started = (c: Compute) =>
  waitFor(() => c.logs.some((l) => l.msg === "compute started"), {
    timeoutMs: 30_000,
    what: "the compute to start",
  });

async function build(): Promise<string> {
  const instance = fakeInstance({ host: HOST });
  conductor.instances.set(instance.uuid, instance);
  await bus.cast(buildAndRunInstance, { instance, image: IMAGE, attempt: 1 }, { ctx, host: HOST });
  return instance.uuid;
}

const activeUpdate = (uuid: string) => (u: Record<string, unknown>) =>
  u.uuid === uuid && (u.changes as { vmState?: string }).vmState === "active";

async function act<C extends CastContract>(contract: C, action: ServerActionName, uuid: string) {
  const instance = conductor.instances.get(uuid)!;
  instance.taskState = taskStateOf(action);
  await bus.cast(contract, { instance } as never, { ctx, host: HOST });
}

beforeAll(async () => {
  vhost = await createTestVhost();
  bus = await connectBus({
    url: vhost.url,
    service: "conductor",
    host: "int-test",
    logger: pino({ level: "silent" }),
  });
  conductor = await serveFakeConductor(bus);
  dir = await mkdtemp(join(tmpdir(), "nimbus-compute-int-"));
});

afterAll(async () => {
  if (compute && compute.child.exitCode === null) {
    compute.child.kill("SIGKILL");
    await compute.exited;
  }
  await bus?.close();
  await vhost?.delete();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("the compute process on RabbitMQ", () => {
  it("reconciles, then serves, then registers with its inventory and heartbeats", async () => {
    // A build this host had in hand when it last stopped.
    const stuck = fakeInstance({ host: HOST, taskState: "spawning" });
    conductor.instances.set(stuck.uuid, stuck);

    compute = startCompute();
    await started(compute);
    await waitFor(() => conductor.of("service_report").length >= 2, {
      timeoutMs: 10_000,
      what: "a second heartbeat",
    });
    const names = conductor.received.map((m) => m.name);
    expect(names.indexOf("host_instances")).toBe(0);
    expect(names.indexOf("build_failed")).toBeLessThan(names.indexOf("service_report"));
    expect(conductor.of("build_failed")).toEqual([
      { uuid: stuck.uuid, host: HOST, reason: RESTART_REASON, retryable: true },
    ]);
    const [report] = conductor.of("service_report");
    expect(report).toMatchObject({
      host: HOST,
      binary: "nova-compute",
      node: {
        hypervisorType: "test",
        cpuAllocationRatio: 16,
        ramAllocationRatio: 1.5,
        diskAllocationRatio: 1,
      },
    });
    // libvirt's test hypervisor has 3 GiB; 512 MiB are kept for the host.
    expect((report!.node as { memoryMb: number }).memoryMb).toBe(3072 - 512);
    expect(compute.logs.find((l) => l.msg === "compute serving")).toMatchObject({ host: HOST });
  });

  it("builds, stops, starts, shows the console and deletes a server", async () => {
    const uuid = await build();
    await conductor.waitFor("instance_update", activeUpdate(uuid));
    expect(await bus.call(getConsoleOutput, { uuid }, { ctx, host: HOST })).toEqual({ output: "" });

    await act(stopInstance, "stop", uuid);
    await waitFor(() => conductor.instances.get(uuid)?.vmState === "stopped" || undefined, {
      what: "stopped",
    });
    expect(conductor.instances.get(uuid)).toMatchObject({ taskState: null, powerState: 4 });

    await act(startInstance, "start", uuid);
    await waitFor(() => conductor.instances.get(uuid)?.vmState === "active" || undefined, {
      what: "active again",
    });
    expect(conductor.instances.get(uuid)).toMatchObject({ taskState: null, powerState: 1 });

    await act(terminateInstance, "delete", uuid);
    await conductor.waitFor("instance_destroyed", (d) => d.uuid === uuid);
    const gone = await bus
      .call(getConsoleOutput, { uuid }, { ctx, host: HOST })
      .catch((e: unknown) => e);
    expect(gone).toMatchObject({ code: "not_found" });
  });

  it("takes 20 concurrent builds to ACTIVE", async () => {
    const t0 = performance.now();
    const uuids = await Promise.all(Array.from({ length: 20 }, () => build()));
    await waitFor(() => uuids.every((u) => conductor.instances.get(u)?.vmState === "active"), {
      timeoutMs: 20_000,
      what: "20 servers active",
    });
    const ms = performance.now() - t0;
    console.log(
      `20 concurrent builds ACTIVE in ${ms.toFixed(0)} ms (${((20 / ms) * 1000).toFixed(0)} builds/s)`,
    );
    for (const uuid of uuids) {
      expect(conductor.of("instance_update").filter(activeUpdate(uuid))).toHaveLength(1);
    }
  });

  it("goes from the build message to instance_update(active) fast (p50 over 100 builds)", async () => {
    const ms: number[] = [];
    for (let i = 0; i < 100; i++) {
      const t0 = performance.now();
      const uuid = await build();
      await conductor.waitFor("instance_update", activeUpdate(uuid), 10_000);
      const update = conductor.received.find(
        (m) => m.name === "instance_update" && activeUpdate(uuid)(m.payload),
      )!;
      ms.push(update.at - t0);
    }
    ms.sort((a, b) => a - b);
    console.log(
      `build → instance_update(active), RabbitMQ + compute process + test:///default: p50 ${ms[49]!.toFixed(2)} ms, p90 ${ms[89]!.toFixed(2)} ms, max ${ms[99]!.toFixed(2)} ms`,
    );
    expect(ms[49]).toBeLessThan(50);
  });

  it("after a kill -9 in the middle of builds, no server stays building and none is built twice", async () => {
    // The builds spawn and then hang on their report, as if the host died right there.
    let release!: () => void;
    const hang = new Promise<void>((resolve) => (release = resolve));
    const restore = conductor.intercept("instance_update", async (_payload, next) => {
      await hang;
      return next();
    });
    const uuids = await Promise.all(Array.from({ length: 10 }, () => build()));
    await waitFor(() => uuids.every((u) => conductor.instances.get(u)?.taskState === "spawning"), {
      what: "10 builds spawning",
    });
    await waitFor(
      () =>
        conductor.of("instance_update").filter((u) => uuids.includes(u.uuid as string)).length ===
        10,
      { what: "the 10 reports in flight" },
    );
    compute!.child.kill("SIGKILL");
    expect(await compute!.exited).toBeNull();
    restore();

    compute = startCompute();
    await started(compute);
    release(); // the dead process's reports reach the conductor late: they must change nothing
    for (const uuid of uuids) {
      expect(conductor.of("build_failed").filter((f) => f.uuid === uuid)).toEqual([
        { uuid, host: HOST, reason: RESTART_REASON, retryable: true },
      ]);
    }
    // The redelivered build messages find the builds rescheduled and are dropped.
    await waitFor(
      () =>
        uuids.every((u) => conductor.of("start_build").filter((s) => s.uuid === u).length === 2),
      { what: "the redelivered builds to be seen" },
    );
    for (const uuid of uuids) {
      expect(conductor.instances.get(uuid)).toMatchObject({
        vmState: "error",
        taskState: null,
        host: null,
      });
    }
  });

  it("stops cleanly on SIGTERM", async () => {
    compute!.child.kill("SIGTERM");
    expect(await compute!.exited).toBe(0);
    expect(compute!.logs.map((l) => l.msg)).toContain("compute stopped");
  });
});
