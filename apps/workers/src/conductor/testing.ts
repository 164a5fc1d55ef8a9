// Test fixtures for the conductor: a throwaway database, the conductor on a memory bus, and a fake
// scheduler and fake compute hosts served on the same bus, so a test can drive whole flows.
import { randomBytes, randomUUID } from "node:crypto";
import { createDb, type Db } from "@nimbus/db";
import { createTestDatabase, type TestDatabase } from "@nimbus/db/testing";
import {
  buildAndRunInstance,
  buildFailed,
  confirmResize,
  getConsoleOutput,
  getVncConsole,
  handler,
  hostStates,
  isRpcError,
  instanceDestroyed,
  instanceUpdate,
  newRequestId,
  pauseInstance,
  rebootInstance,
  resizeInstance,
  resumeInstance,
  revertResize,
  RpcError,
  selectDestinations,
  serviceReport,
  startBuild,
  startInstance,
  stopInstance,
  suspendInstance,
  terminateInstance,
  unpauseInstance,
  type Bus,
  type Explanation,
  type Handler,
  type NodeInventory,
  type RequestContext,
  type RequestSpec,
} from "@nimbus/rpc";
import { createMemoryBus, type MemoryBus } from "@nimbus/rpc/memory";
import { pino } from "pino";
import type { z } from "zod";
import { parseConductorConfig } from "./config";
import { startConductor, type RunningConductor } from "./conductor";
import type { Conductor } from "./deps";
import type { SqlPool } from "./repositories/db";

export const PROJECT = "0123456789abcdef0123456789abcdef";
export const OTHER_PROJECT = "fedcba9876543210fedcba9876543210";
export const USER = "aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbb";

export function userCtx(projectId = PROJECT, extra: Partial<RequestContext> = {}): RequestContext {
  return {
    requestId: newRequestId(),
    userId: USER,
    projectId,
    roles: ["member"],
    isAdmin: false,
    ...extra,
  };
}
export const adminCtx = (projectId = PROJECT) =>
  userCtx(projectId, { roles: ["admin"], isAdmin: true });

/** What `p` is refused with: the RpcError's fields (a test failure if it is accepted or fails otherwise). */
export async function refusal(
  p: Promise<unknown>,
): Promise<Pick<RpcError, "code" | "message" | "details">> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isRpcError(err)) throw new Error(`expected an RpcError, got ${String(err)}`);
  return { code: err.code, message: err.message, details: err.details };
}

export interface Harness {
  testDb: TestDatabase;
  /** Prisma's typed client on the test database (for assertions that read it another way) */
  db: Db;
  /** the conductor's own pool (repository functions run on it) */
  sql: SqlPool;
  bus: MemoryBus;
  conductor: Conductor;
  running: RunningConductor;
  imageId: string;
  /** moves the conductor's clock */
  advance(ms: number): void;
  scheduler: FakeScheduler;
  computes: Map<string, FakeCompute>;
  /** register a compute host (service + node) through conductor.service_report */
  addHost(host: string, inv?: Partial<NodeInventory>): Promise<FakeCompute>;
  setQuota(resource: string, limit: number, projectId?: string): Promise<void>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  castsAsCalls?: boolean;
  env?: Record<string, string>;
}

export async function createHarness(options: HarnessOptions = {}): Promise<Harness> {
  const testDb = await createTestDatabase();
  const db = createDb(testDb.url, { connectionLimit: 20 });
  const bus = createMemoryBus({
    castsAsCalls: options.castsAsCalls ?? true,
    service: "conductor",
    host: "conductor-1",
  });
  let offset = 0;
  const config = parseConductorConfig({
    NIMBUS_DATABASE_URL: testDb.url,
    NIMBUS_HOST: "conductor-1",
    NIMBUS_LOG_LEVEL: "silent",
    ...options.env,
  });
  const running = await startConductor({
    config,
    bus,
    logger: pino({ level: "silent" }),
    now: () => new Date(Date.now() + offset),
    periodic: () => [],
  });
  const imageId = await seedCatalog(db);
  const scheduler = new FakeScheduler(bus);
  await scheduler.serve();
  const computes = new Map<string, FakeCompute>();
  return {
    testDb,
    db,
    sql: running.conductor.sql,
    bus,
    conductor: running.conductor,
    running,
    imageId,
    advance: (ms) => {
      offset += ms;
    },
    scheduler,
    computes,
    async addHost(host, inv = {}) {
      let compute = computes.get(host);
      if (!compute) {
        compute = new FakeCompute(bus, host);
        await compute.serve();
        computes.set(host, compute);
      }
      await bus.call(
        serviceReport,
        { host, binary: "nova-compute", version: "1", node: { ...inventory(host), ...inv } },
        { ctx: { requestId: newRequestId(), isAdmin: true } },
      );
      return compute;
    },
    async setQuota(resource, limit, projectId = PROJECT) {
      await db.quota.upsert({
        where: { projectId_resource: { projectId, resource } },
        create: { projectId, resource, hardLimit: limit },
        update: { hardLimit: limit },
      });
    },
    async close() {
      await bus.idle();
      await running.stop();
      await db.$disconnect();
      await testDb.drop();
    },
  };
}

export function inventory(host: string): NodeInventory {
  return {
    hypervisorHostname: host,
    hypervisorType: "QEMU",
    hypervisorVersion: 7_002_000,
    hostIp: "127.0.0.1",
    vcpus: 4,
    memoryMb: 8192,
    localGb: 100,
    freeDiskGb: 90,
    cpuInfo: { arch: "x86_64" },
    cpuAllocationRatio: 1,
    ramAllocationRatio: 1,
    diskAllocationRatio: 1,
  };
}

/** The m1.* flavors, the default quota class (Nova's defaults) and one public active image. */
async function seedCatalog(db: Db): Promise<string> {
  await db.flavor.createMany({
    data: [
      { flavorid: "1", name: "m1.tiny", memoryMb: 512, vcpus: 1, rootGb: 1 },
      { flavorid: "2", name: "m1.small", memoryMb: 2048, vcpus: 1, rootGb: 20 },
      { flavorid: "3", name: "m1.medium", memoryMb: 4096, vcpus: 2, rootGb: 40 },
      { flavorid: "4", name: "m1.large", memoryMb: 8192, vcpus: 4, rootGb: 80 },
      { flavorid: "99", name: "private", memoryMb: 512, vcpus: 1, rootGb: 1, isPublic: false },
      { flavorid: "98", name: "disabled", memoryMb: 512, vcpus: 1, rootGb: 1, disabled: true },
    ],
  });
  const defaults: Record<string, number> = {
    instances: 10,
    cores: 20,
    ram: 51200,
    metadata_items: 128,
    server_groups: 10,
    server_group_members: 10,
  };
  await db.quotaClass.createMany({
    data: Object.entries(defaults).map(([resource, hardLimit]) => ({
      className: "default",
      resource,
      hardLimit,
    })),
  });
  const id = randomUUID();
  await db.image.create({
    data: {
      id,
      name: "tiny-linux",
      status: "active",
      visibility: "public",
      owner: OTHER_PROJECT,
      diskFormat: "qcow2",
      containerFormat: "bare",
      size: 16n * 1024n * 1024n,
      virtualSize: 40n * 1024n * 1024n,
      checksum: randomBytes(16).toString("hex"),
      osHashAlgo: "sha512",
      osHashValue: randomBytes(64).toString("hex"),
      properties: { architecture: "x86_64", hypervisor_type: "qemu" },
      tags: [],
      location: "/nonexistent",
    },
  });
  return id;
}

type SelectReply = z.input<typeof selectDestinations.reply>;

/**
 * A scheduler that reads the conductor's host_states for every request and keeps hosts that are
 * up, enabled, not ignored, not forced elsewhere, with room for the flavor, and apart from the
 * group for anti-affinity; most free RAM first. `override` replaces the answer for a test.
 */
export class FakeScheduler {
  requests: RequestSpec[] = [];
  override?: (spec: RequestSpec) => SelectReply | Promise<SelectReply>;

  constructor(private readonly bus: Bus) {}

  async serve() {
    await this.bus.serve({ service: "scheduler", host: "scheduler-1" }, [
      handler(selectDestinations, async (req, meta) => {
        this.requests.push(req.spec);
        if (this.override) return this.override(req.spec);
        const { nodes } = await this.bus.call(hostStates, {}, { ctx: meta.ctx });
        const spec = req.spec;
        const f = spec.flavor;
        const steps: Explanation["filters"] = [];
        let hosts = nodes;
        const filter = (
          name: string,
          reason: string,
          keep: (n: (typeof nodes)[number]) => boolean,
        ) => {
          const before = hosts.length;
          const removed = hosts.filter((n) => !keep(n)).map((n) => ({ host: n.host, reason }));
          hosts = hosts.filter(keep);
          steps.push({ name, before, after: hosts.length, removed });
        };
        filter(
          "IgnoreHosts",
          "this build failed on it before",
          (n) => !spec.ignoreHosts.includes(n.host),
        );
        filter(
          "ComputeFilter",
          "compute service down or disabled",
          (n) => n.service.up && !n.service.disabled,
        );
        filter(
          "RamFilter",
          "not enough free RAM",
          (n) => n.memoryMb * n.ramAllocationRatio - n.memoryMbUsed >= f.memoryMb,
        );
        filter(
          "CoreFilter",
          "not enough free vCPUs",
          (n) => n.vcpus * n.cpuAllocationRatio - n.vcpusUsed >= f.vcpus,
        );
        if (spec.forceHost)
          filter("ForceHost", "not the requested host", (n) => n.host === spec.forceHost);
        if (spec.group?.policy === "anti-affinity") {
          filter(
            "ServerGroupAntiAffinityFilter",
            "a member of the group is there",
            (n) => !spec.group!.hosts.includes(n.host),
          );
        }
        const explanation: Explanation = {
          hostsConsidered: nodes.length,
          filters: steps,
          weighed: [],
        };
        if (hosts.length === 0)
          throw new RpcError("no_valid_host", "No valid host was found. ", explanation);
        hosts.sort(
          (a, b) =>
            b.memoryMb - b.memoryMbUsed - (a.memoryMb - a.memoryMbUsed) ||
            a.host.localeCompare(b.host),
        );
        explanation.weighed = hosts
          .slice(0, 10)
          .map((n, i) => ({ host: n.host, weight: -i, weights: {} }));
        const used = new Set<string>();
        const selections = spec.instanceUuids.map((instanceUuid) => {
          // Members of an anti-affinity group in one request go to different hosts.
          const pool =
            spec.group?.policy === "anti-affinity" ? hosts.filter((n) => !used.has(n.host)) : hosts;
          if (pool.length === 0)
            throw new RpcError("no_valid_host", "No valid host was found. ", explanation);
          used.add(pool[0]!.host);
          return {
            instanceUuid,
            hosts: pool
              .slice(0, 1 + req.alternates)
              .map((n) => ({ host: n.host, node: n.hypervisorHostname, nodeId: n.id })),
          };
        });
        return { selections, explanation };
      }),
    ]);
  }
}

type ActionCast =
  | typeof stopInstance
  | typeof startInstance
  | typeof pauseInstance
  | typeof unpauseInstance
  | typeof suspendInstance
  | typeof resumeInstance
  | typeof resizeInstance
  | typeof confirmResize
  | typeof revertResize;

/** What a fake compute does with each action, as a real one reports it. */
const OUTCOMES = {
  stop_instance: { expect: "powering-off", changes: { vmState: "stopped", powerState: 4 } },
  start_instance: { expect: "powering-on", changes: { vmState: "active", powerState: 1 } },
  pause_instance: { expect: "pausing", changes: { vmState: "paused", powerState: 3 } },
  unpause_instance: { expect: "unpausing", changes: { vmState: "active", powerState: 1 } },
  suspend_instance: { expect: "suspending", changes: { vmState: "suspended", powerState: 7 } },
  resume_instance: { expect: "resuming", changes: { vmState: "active", powerState: 1 } },
  resize_instance: { expect: "resize_prep", changes: { vmState: "resized", resize: "finished" } },
  confirm_resize: {
    expect: "resize_confirming",
    changes: { vmState: "active", resize: "confirmed" },
  },
  revert_resize: { expect: "resize_reverting", changes: { vmState: "active", resize: "reverted" } },
} as const;

/**
 * A compute host: takes builds (start_build, then ACTIVE through instance_update, or a failure
 * when `failBuilds` says so), does actions at once, and reports every message it got.
 */
export class FakeCompute {
  received: { message: string; uuid: string; attempt?: number }[] = [];
  /** build failures to report instead of spawning: reason and whether another host may help */
  failBuilds: { reason: string; retryable: boolean } | null = null;
  /** while false, casts wait in `held` until release() (to look at intermediate states) */
  auto = true;
  /** told when a build message arrives, and when the server it built is ACTIVE (benchmarks) */
  onBuild?: (uuid: string) => void;
  onActive?: (uuid: string) => void;
  private held: (() => Promise<void>)[] = [];

  constructor(
    private readonly bus: Bus,
    readonly host: string,
  ) {}

  async release(): Promise<void> {
    const held = this.held;
    this.held = [];
    for (const run of held) await run();
  }

  private async maybeHold(run: () => Promise<void>) {
    if (this.auto) await run();
    else this.held.push(run);
  }

  async serve() {
    const host = this.host;
    const bus = this.bus;
    const act = (name: keyof typeof OUTCOMES, contract: ActionCast): Handler =>
      handler(contract, async ({ instance }, meta) => {
        this.received.push({ message: name, uuid: instance.uuid });
        const { expect, changes } = OUTCOMES[name];
        await this.maybeHold(async () => {
          await bus.call(
            instanceUpdate,
            {
              uuid: instance.uuid,
              host,
              expectedTaskState: [expect],
              changes: { ...changes, taskState: null },
              event: { event: `compute_${name}`, phase: "finish", result: "Success" },
            },
            { ctx: meta.ctx },
          );
        });
      });
    await bus.serve({ service: "compute", host }, [
      handler(buildAndRunInstance, async ({ instance, attempt }, meta) => {
        this.received.push({ message: "build_and_run_instance", uuid: instance.uuid, attempt });
        this.onBuild?.(instance.uuid);
        await this.maybeHold(async () => {
          const ctx = meta.ctx;
          const taken = await bus.call(startBuild, { uuid: instance.uuid, host, attempt }, { ctx });
          if (!taken.proceed) return;
          if (this.failBuilds) {
            await bus.call(
              buildFailed,
              {
                uuid: instance.uuid,
                host,
                attempt,
                ...this.failBuilds,
                traceback: `Traceback: ${this.failBuilds.reason}`,
              },
              { ctx },
            );
            return;
          }
          await bus.call(
            instanceUpdate,
            {
              uuid: instance.uuid,
              host,
              expectedTaskState: ["spawning"],
              changes: {
                vmState: "active",
                taskState: null,
                powerState: 1,
                launchedAt: new Date().toISOString(),
              },
              event: {
                event: "compute_build_and_run_instance",
                phase: "finish",
                result: "Success",
              },
            },
            { ctx },
          );
          this.onActive?.(instance.uuid);
        });
      }),
      act("stop_instance", stopInstance),
      act("start_instance", startInstance),
      act("pause_instance", pauseInstance),
      act("unpause_instance", unpauseInstance),
      act("suspend_instance", suspendInstance),
      act("resume_instance", resumeInstance),
      act("resize_instance", resizeInstance),
      act("confirm_resize", confirmResize),
      act("revert_resize", revertResize),
      handler(rebootInstance, async ({ instance, type }, meta) => {
        this.received.push({ message: `reboot_${type}`, uuid: instance.uuid });
        await this.maybeHold(async () => {
          await bus.call(
            instanceUpdate,
            {
              uuid: instance.uuid,
              host,
              expectedTaskState: [type === "HARD" ? "rebooting_hard" : "rebooting"],
              changes: { vmState: "active", powerState: 1, taskState: null },
            },
            { ctx: meta.ctx },
          );
        });
      }),
      handler(terminateInstance, async ({ instance }, meta) => {
        this.received.push({ message: "terminate_instance", uuid: instance.uuid });
        await this.maybeHold(async () => {
          await bus.call(instanceDestroyed, { uuid: instance.uuid, host }, { ctx: meta.ctx });
        });
      }),
      handler(getConsoleOutput, ({ uuid }) => ({ output: `console of ${uuid} on ${host}\n` })),
      handler(getVncConsole, () => ({ host: "127.0.0.1", port: 5900 })),
    ]);
  }
}
