import { randomUUID } from "node:crypto";
import {
  createServers,
  getServer,
  listInstanceActions,
  RpcError,
  scheduleAndBuild,
  startBuild,
  updateService,
  type Instance,
  type InstanceAction,
} from "@nimbus/rpc";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { transaction } from "../repositories/db";
import { claimBuild } from "../repositories/hosts";
import { createHarness, PROJECT, userCtx, type Harness } from "../testing";

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ env: { NIMBUS_MAX_ATTEMPTS: "3", NIMBUS_SCHEDULER_ALTERNATES: "2" } });
  for (const host of ["host-a", "host-b", "host-c"]) await h.addHost(host);
});
afterAll(() => h?.close());
beforeEach(async () => {
  await h.bus.idle();
  await transaction(h.sql, async (tx) => {
    await tx.$executeRaw`UPDATE instances SET deleted = id, vm_state = 'deleted' WHERE deleted = 0`;
    await tx.$executeRaw`DELETE FROM allocations`;
    await tx.$executeRaw`UPDATE compute_nodes SET vcpus_used = 0, memory_mb_used = 0, local_gb_used = 0, running_vms = 0`;
    await tx.$executeRaw`UPDATE services SET disabled = 0`;
  });
  await h.db.quota.deleteMany();
  h.scheduler.override = undefined;
  h.scheduler.requests = [];
  for (const c of h.computes.values()) {
    c.failBuilds = null;
    c.auto = true;
    c.received = [];
  }
});

async function create(over: Record<string, unknown> = {}): Promise<Instance[]> {
  const reply = await h.bus.call(
    createServers,
    {
      name: "vm",
      imageRef: h.imageId,
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
      ...over,
    },
    { ctx: userCtx() },
  );
  return reply.servers;
}

const server = (uuid: string) =>
  h.bus.call(getServer, { uuid, projectId: null }, { ctx: userCtx() });
const usage = async () =>
  Object.fromEntries(
    (await h.db.computeNode.findMany({ orderBy: { host: "asc" } })).map((n) => [
      n.host,
      [n.vcpusUsed, n.memoryMbUsed, n.localGbUsed, n.runningVms],
    ]),
  );
const builds = (uuid: string) =>
  [...h.computes.values()].flatMap((c) =>
    c.received
      .filter((r) => r.uuid === uuid && r.message === "build_and_run_instance")
      .map((r) => ({ host: c.host, attempt: r.attempt })),
  );

describe("claims", () => {
  it("never oversubscribe a node, however many race for it", async () => {
    h.scheduler.override = () => {
      throw new RpcError("unavailable", "scheduler away");
    };
    const waiting = await create({ maxCount: 10 });
    expect(waiting.every((s) => s.host === null && s.taskState === "scheduling")).toBe(true);
    const node = await h.db.computeNode.findFirstOrThrow({ where: { host: "host-a" } });
    const spec = { ignoreHosts: [] };
    const outcomes = await Promise.all(
      waiting.map(async (s) => {
        const { outcome } = await claimBuild(
          h.sql,
          {
            uuid: s.uuid,
            nodeId: node.id,
            host: "host-a",
            node: "host-a",
            availabilityZone: "nova",
            resources: { vcpus: 1, memoryMb: 1024, diskGb: 10 },
            spec,
            group: null,
          },
          new Date(),
        );
        return outcome;
      }),
    );
    // host-a: 4 vCPUs at ratio 1.0.
    expect(outcomes.filter((o) => o === "claimed")).toHaveLength(4);
    expect(outcomes.filter((o) => o === "no_room")).toHaveLength(6);
    expect((await usage())["host-a"]).toEqual([4, 4096, 40, 4]);
    expect(await h.db.allocation.count()).toBe(4);
    // A second claim of a placed instance changes nothing, on a node with room too.
    const placed = waiting.find((_, i) => outcomes[i] === "claimed")!;
    const nodeB = await h.db.computeNode.findFirstOrThrow({ where: { host: "host-b" } });
    const before = await usage();
    const again = await claimBuild(
      h.sql,
      {
        uuid: placed.uuid,
        nodeId: nodeB.id,
        host: "host-b",
        node: "host-b",
        availabilityZone: "nova",
        resources: { vcpus: 1, memoryMb: 1024, diskGb: 10 },
        spec,
        group: null,
      },
      new Date(),
    );
    expect(again).toEqual({ outcome: "gone", action: null });
    expect(await usage()).toEqual(before);
    expect(await h.db.allocation.count()).toBe(4);
  });
});

describe("schedule_and_build", () => {
  it("spreads servers by free RAM and keeps a disabled host out", async () => {
    const ctx = userCtx();
    await h.bus.call(
      updateService,
      {
        ref: (await h.db.service.findFirstOrThrow({ where: { host: "host-c" } })).id,
        disabled: true,
        disabledReason: "maintenance",
      },
      { ctx },
    );
    const servers = await create({ flavorRef: "3", maxCount: 4 });
    const hosts = await Promise.all(servers.map(async (s) => (await server(s.uuid)).host));
    expect(hosts.filter((x) => x === "host-c")).toHaveLength(0);
    expect(hosts.filter((x) => x === "host-a")).toHaveLength(2);
    expect(hosts.filter((x) => x === "host-b")).toHaveLength(2);
  });

  it("publishes the create action as each step commits it, ending finished", async () => {
    const seen: InstanceAction[] = [];
    const sub = await h.bus.subscribe(["instance.action"], (event) => {
      if (event.type === "instance.action") seen.push(event.payload.action);
    });
    try {
      const [s] = await create();
      await h.bus.idle();
      await h.conductor.notifier.flush();
      const steps = seen
        .filter((a) => a.instanceUuid === s!.uuid)
        .map((a) => [
          a.finishTime === null ? "open" : "finished",
          ...a.events.map((e) => `${e.event}:${e.finishTime === null ? "running" : e.result}`),
        ]);
      expect(steps).toEqual([
        ["open", "conductor_schedule_and_build_instances:running"],
        ["open", "conductor_schedule_and_build_instances:Success"],
        [
          "open",
          "conductor_schedule_and_build_instances:Success",
          "compute_build_and_run_instance:running",
        ],
        [
          "finished",
          "conductor_schedule_and_build_instances:Success",
          "compute_build_and_run_instance:Success",
        ],
      ]);
    } finally {
      await sub.close();
    }
  });

  it("does not place a server twice when its message comes again", async () => {
    const [s] = await create();
    const before = await server(s!.uuid);
    expect(before.vmState).toBe("active");
    await h.bus.cast(scheduleAndBuild, { instanceUuids: [s!.uuid] }, { ctx: userCtx() });
    await h.bus.cast(scheduleAndBuild, { instanceUuids: [s!.uuid] }, { ctx: userCtx() });
    expect(await h.db.allocation.count({ where: { instanceUuid: s!.uuid } })).toBe(1);
    expect(builds(s!.uuid)).toHaveLength(1);
    expect(await server(s!.uuid)).toMatchObject({ host: before.host, vmState: "active" });
  });

  it("casts a placed build again under a new attempt, and the old message is dropped", async () => {
    for (const c of h.computes.values()) c.auto = false; // builds wait in the fake hosts
    const [s] = await create();
    const placed = await server(s!.uuid);
    expect(placed).toMatchObject({ vmState: "building", taskState: "scheduling" });
    expect(placed.host).not.toBeNull();
    // As after a conductor crash between the claim and the ack: the message comes again.
    await h.bus.cast(scheduleAndBuild, { instanceUuids: [s!.uuid] }, { ctx: userCtx() });
    expect(builds(s!.uuid)).toEqual([
      { host: placed.host, attempt: 1 },
      { host: placed.host, attempt: 2 },
    ]);
    for (const c of h.computes.values()) await c.release();
    expect(await server(s!.uuid)).toMatchObject({ vmState: "active", host: placed.host });
    expect(await h.db.allocation.count({ where: { instanceUuid: s!.uuid } })).toBe(1);
    expect((await usage())[placed.host!]).toEqual([1, 512, 1, 1]);
  });

  it("lets a host take a build once, at its attempt, starting the build event once", async () => {
    for (const c of h.computes.values()) c.auto = false; // the host does not call start_build
    const [s] = await create();
    const placed = await server(s!.uuid);
    const take = (host: string, attempt: number) =>
      h.bus.call(startBuild, { uuid: s!.uuid, host, attempt }, { ctx: userCtx() });
    const other = ["host-a", "host-b", "host-c"].find((x) => x !== placed.host)!;
    expect(await take(other, 1)).toMatchObject({ proceed: false });
    expect(await take(placed.host!, 2)).toMatchObject({ proceed: false });
    const first = await take(placed.host!, 1);
    expect(first).toMatchObject({ proceed: true, instance: { taskState: "spawning" } });
    // The same call again (its reply lost) goes on, without a second event.
    expect(await take(placed.host!, 1)).toMatchObject({ proceed: true });
    const { actions } = await h.bus.call(
      listInstanceActions,
      { uuid: s!.uuid, projectId: PROJECT },
      { ctx: userCtx() },
    );
    expect(
      actions[0]!.events.filter((e) => e.event === "compute_build_and_run_instance"),
    ).toMatchObject([{ finishTime: null, host: placed.host }]);
  });

  it("reschedules a failed build to another host, avoiding the ones that failed", async () => {
    h.computes.get("host-a")!.failBuilds = { reason: "disk full", retryable: true };
    h.computes.get("host-b")!.failBuilds = { reason: "libvirt broke", retryable: true };
    // host-a has the most free RAM, then host-b.
    await h.db.computeNode.updateMany({ where: { host: "host-a" }, data: { memoryMb: 16384 } });
    await h.db.computeNode.updateMany({ where: { host: "host-b" }, data: { memoryMb: 12288 } });
    try {
      const [s] = await create();
      expect(await server(s!.uuid)).toMatchObject({ vmState: "active", host: "host-c" });
      expect(builds(s!.uuid)).toEqual([
        { host: "host-a", attempt: 1 },
        { host: "host-b", attempt: 2 },
        { host: "host-c", attempt: 3 },
      ]);
      expect(h.scheduler.requests.map((r) => r.ignoreHosts)).toEqual([
        [],
        ["host-a"],
        ["host-a", "host-b"],
      ]);
      expect(await usage()).toEqual({
        "host-a": [0, 0, 0, 0],
        "host-b": [0, 0, 0, 0],
        "host-c": [1, 512, 1, 1],
      });
      const { actions } = await h.bus.call(
        listInstanceActions,
        { uuid: s!.uuid, projectId: PROJECT },
        { ctx: userCtx() },
      );
      const buildEvents = actions[0]!.events.filter(
        (e) => e.event === "compute_build_and_run_instance",
      );
      expect(buildEvents.map((e) => [e.host, e.result])).toEqual([
        ["host-a", "Error"],
        ["host-b", "Error"],
        ["host-c", "Success"],
      ]);
      expect(buildEvents[0]!.traceback).toContain("disk full");
    } finally {
      await h.db.computeNode.updateMany({ data: { memoryMb: 8192 } });
    }
  });

  it("gives up after max_attempts with a fault that says why", async () => {
    for (const c of h.computes.values()) c.failBuilds = { reason: "spawn failed", retryable: true };
    const [s] = await create();
    const failed = await server(s!.uuid);
    expect(failed).toMatchObject({ vmState: "error", taskState: null, host: null });
    expect(failed.fault).toMatchObject({
      code: 500,
      message: "Exceeded maximum number of retries. spawn failed",
      details: "Traceback: spawn failed",
    });
    expect(builds(s!.uuid)).toHaveLength(3);
    expect(await h.db.allocation.count()).toBe(0);
    const { actions } = await h.bus.call(
      listInstanceActions,
      { uuid: s!.uuid, projectId: PROJECT },
      { ctx: userCtx() },
    );
    expect(actions[0]).toMatchObject({ action: "create", message: "Error" });
    expect(actions[0]!.finishTime).not.toBeNull();
  });

  it("does not retry a failure another host cannot help with", async () => {
    for (const c of h.computes.values())
      c.failBuilds = { reason: "image is corrupt", retryable: false };
    const [s] = await create();
    expect((await server(s!.uuid)).fault?.message).toBe("image is corrupt");
    expect(builds(s!.uuid)).toHaveLength(1);
  });

  it("says why the last attempt failed when no host is left after a failure", async () => {
    h.computes.get("host-a")!.failBuilds = { reason: "disk full", retryable: true };
    await h.db.computeNode.updateMany({
      where: { host: { in: ["host-b", "host-c"] } },
      data: { memoryMb: 256 },
    });
    try {
      const [s] = await create();
      const failed = await server(s!.uuid);
      expect(failed).toMatchObject({ vmState: "error", host: null });
      expect(failed.fault?.message).toBe(
        "No valid host was found. IgnoreHosts removed 1 host (this build failed on it before); " +
          "RamFilter removed 2 hosts (not enough free RAM); " +
          "the last attempt failed on host-a: disk full.",
      );
      expect(builds(s!.uuid)).toEqual([{ host: "host-a", attempt: 1 }]);
    } finally {
      await h.db.computeNode.updateMany({ data: { memoryMb: 8192 } });
    }
  });

  it("ignores a failure report about a host or attempt the build is no longer on", async () => {
    const [s] = await create();
    const active = await server(s!.uuid);
    const { buildFailed } = await import("@nimbus/rpc");
    const stale = await h.bus.call(
      buildFailed,
      { uuid: s!.uuid, host: "host-x", attempt: 1, reason: "late", retryable: true },
      { ctx: userCtx() },
    );
    expect(stale).toEqual({ rescheduled: false });
    expect(await server(s!.uuid)).toMatchObject({ vmState: "active", host: active.host });
  });

  it("puts a server no host can take in ERROR, naming the filters that removed the hosts", async () => {
    const [s] = await create({ flavorRef: "4", maxCount: 1 }); // 8192 MB fits every host...
    expect((await server(s!.uuid)).vmState).toBe("active");
    const [t] = await create({ flavorRef: "4" }); // ...then two hosts are left
    await h.db.computeNode.updateMany({ data: { memoryMb: 4096 } });
    try {
      const [u] = await create({ flavorRef: "4" });
      const failed = await server(u!.uuid);
      expect(failed).toMatchObject({ vmState: "error", taskState: null, host: null });
      expect(failed.fault?.code).toBe(500);
      expect(failed.fault?.message).toBe(
        "No valid host was found. RamFilter removed 3 hosts (not enough free RAM).",
      );
      expect(
        JSON.parse(failed.fault!.details!).filters.map((f: { name: string }) => f.name),
      ).toContain("RamFilter");
      const { actions } = await h.bus.call(
        listInstanceActions,
        { uuid: u!.uuid, projectId: PROJECT },
        { ctx: userCtx() },
      );
      const event = actions[0]!.events.find(
        (e) => e.event === "conductor_schedule_and_build_instances",
      )!;
      expect(event.result).toBe("Error");
      expect(JSON.parse(event.details!).hostsConsidered).toBe(3);
      expect(t).toBeDefined();
    } finally {
      await h.db.computeNode.updateMany({ data: { memoryMb: 8192 } });
    }
  });

  it("places the members of an anti-affinity group on different hosts, even when told otherwise", async () => {
    const group = await h.db.serverGroup.create({
      data: {
        uuid: randomUUID(),
        name: "spread",
        projectId: PROJECT,
        userId: userCtx().userId!,
        policy: "anti-affinity",
      },
    });
    const servers = await create({ serverGroup: group.uuid, maxCount: 3 });
    const hosts = await Promise.all(servers.map(async (s) => (await server(s.uuid)).host));
    expect(new Set(hosts).size).toBe(3);

    // A scheduler whose view is stale offers the same host to two members: the claim refuses the
    // second there, and it takes the alternate.
    const other = await h.db.serverGroup.create({
      data: {
        uuid: randomUUID(),
        name: "spread-2",
        projectId: PROJECT,
        userId: userCtx().userId!,
        policy: "anti-affinity",
      },
    });
    const nodes = await h.db.computeNode.findMany({ orderBy: { host: "asc" } });
    h.scheduler.override = (spec) => ({
      selections: spec.instanceUuids.map((instanceUuid) => ({
        instanceUuid,
        hosts: nodes.map((n) => ({ host: n.host, node: n.hypervisorHostname, nodeId: n.id })),
      })),
      explanation: { hostsConsidered: 3, filters: [], weighed: [] },
    });
    const pair = await create({ serverGroup: other.uuid, maxCount: 2 });
    const pairHosts = await Promise.all(pair.map(async (s) => (await server(s.uuid)).host));
    expect(pairHosts.sort()).toEqual(["host-a", "host-b"]);
  });
});
