// The conductor as a real process on the real RabbitMQ (a test vhost) and MariaDB (a throwaway
// database): it serves, records its own heartbeat, builds a server end to end with a scheduler and
// a compute host on the bus, finishes a build after being killed -9 in the middle of it, and stops
// cleanly on SIGTERM.
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createDb, type Db } from "@nimbus/db";
import { createTestDatabase, type TestDatabase } from "@nimbus/db/testing";
import {
  connectBus,
  createServers,
  getServer,
  listServices,
  newRequestId,
  ping,
  serviceReport,
  type Bus,
} from "@nimbus/rpc";
import { createTestVhost, waitFor, type TestVhost } from "@nimbus/rpc/testing";
import { pino } from "pino";
import { afterAll, beforeAll, expect, it } from "vitest";
import { FakeCompute, FakeScheduler, inventory, PROJECT, userCtx } from "./testing";

const MAIN = fileURLToPath(new URL("./main.ts", import.meta.url));

let vhost: TestVhost;
let testDb: TestDatabase;
let db: Db;
let bus: Bus;
let scheduler: FakeScheduler;
let child: ChildProcess | undefined;
let output = "";

function startConductor(): ChildProcess {
  output = "";
  // `node --import tsx` rather than the tsx CLI, so the pid is the conductor itself.
  const proc = spawn(process.execPath, ["--import", "tsx", MAIN], {
    env: {
      ...process.env,
      NIMBUS_DATABASE_URL: testDb.url,
      NIMBUS_AMQP_URL: vhost.url,
      NIMBUS_HOST: "conductor-int",
      NIMBUS_LOG_LEVEL: "info",
      NIMBUS_REPORT_INTERVAL: "1",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  proc.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  proc.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  return proc;
}

const exitOf = (proc: ChildProcess) =>
  new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.exitCode !== null || proc.signalCode !== null
      ? resolve({ code: proc.exitCode, signal: proc.signalCode })
      : proc.once("exit", (code, signal) => resolve({ code, signal })),
  );

const ready = () =>
  waitFor(
    () =>
      bus.call(ping, { echo: "hi" }, { ctx: userCtx(), timeoutMs: 1_000 }).then(
        (r) => r.host === "conductor-int",
        () => false,
      ),
    { timeoutMs: 30_000, intervalMs: 200, what: "the conductor to answer" },
  );

beforeAll(async () => {
  [vhost, testDb] = await Promise.all([createTestVhost(), createTestDatabase()]);
  db = createDb(testDb.url, { connectionLimit: 2 });
  await db.flavor.create({
    data: { flavorid: "1", name: "m1.tiny", memoryMb: 512, vcpus: 1, rootGb: 1 },
  });
  await db.quotaClass.createMany({
    data: [
      { className: "default", resource: "instances", hardLimit: 10 },
      { className: "default", resource: "cores", hardLimit: 20 },
      { className: "default", resource: "ram", hardLimit: 51200 },
    ],
  });
  await db.image.create({
    data: {
      id: "5d8f8a1e-6a47-4a8e-9d4a-2a9c1b7e0c11",
      name: "tiny",
      status: "active",
      visibility: "public",
      diskFormat: "qcow2",
      size: 1024n,
      properties: {},
      tags: [],
    },
  });
  bus = await connectBus({
    url: vhost.url,
    service: "test",
    host: "test-1",
    logger: pino({ level: "silent" }),
  });
  scheduler = new FakeScheduler(bus);
  await scheduler.serve();
  await new FakeCompute(bus, "int-host").serve();
}, 60_000);

afterAll(async () => {
  child?.kill("SIGKILL");
  await bus?.close();
  await db?.$disconnect();
  await Promise.all([vhost?.delete(), testDb?.drop()]);
});

const create = (ctx = userCtx()) =>
  bus.call(
    createServers,
    {
      name: "vm",
      imageRef: "5d8f8a1e-6a47-4a8e-9d4a-2a9c1b7e0c11",
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
    },
    { ctx },
  );

const activeOn = (uuid: string, timeoutMs = 20_000) =>
  waitFor(
    async () => {
      const s = await bus.call(getServer, { uuid, projectId: PROJECT }, { ctx: userCtx() });
      return s.vmState === "active" ? s : false;
    },
    { timeoutMs, intervalMs: 50, what: `server ${uuid} to become ACTIVE` },
  );

it("serves, heartbeats, builds a server end to end, survives kill -9 mid-build, and stops on SIGTERM", async () => {
  child = startConductor();
  await ready();
  await bus.call(
    serviceReport,
    { host: "int-host", binary: "nova-compute", version: "1", node: inventory("int-host") },
    { ctx: { requestId: newRequestId(), isAdmin: true } },
  );

  // Its own service row, kept fresh by its own heartbeat.
  const own = await waitFor(
    async () => {
      const { services } = await bus.call(
        listServices,
        { binary: "nova-conductor" },
        { ctx: userCtx() },
      );
      return services.find((s) => s.host === "conductor-int" && s.up);
    },
    { timeoutMs: 10_000, what: "the conductor's service row" },
  );
  expect(own.zone).toBe("internal");

  const { servers } = await create();
  const server = await activeOn(servers[0]!.uuid);
  expect(server).toMatchObject({ host: "int-host", powerState: 1, taskState: null });

  // Kill -9 while a build waits for the scheduler: its schedule_and_build was not acknowledged, so
  // RabbitMQ hands it to the restarted conductor, which finishes the build exactly once.
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let asked = 0;
  scheduler.override = async () => {
    asked++;
    await gate;
    throw new Error("answered after the conductor died");
  };
  const second = await create();
  await waitFor(() => asked > 0, { what: "the scheduler to be asked" });
  child.kill("SIGKILL");
  expect((await exitOf(child)).signal).toBe("SIGKILL");
  scheduler.override = undefined;
  release();

  child = startConductor();
  await ready();
  const rebuilt = await activeOn(second.servers[0]!.uuid);
  expect(rebuilt.host).toBe("int-host");
  expect(await db.allocation.count({ where: { instanceUuid: rebuilt.uuid } })).toBe(1);
  const node = await db.computeNode.findFirstOrThrow({ where: { host: "int-host" } });
  expect([node.vcpusUsed, node.runningVms]).toEqual([2, 2]);

  child.kill("SIGTERM");
  const { code } = await exitOf(child);
  expect(code, output).toBe(0);
  expect(output).toContain('"msg":"conductor stopped"');
}, 120_000);
