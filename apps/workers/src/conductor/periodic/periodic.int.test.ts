// Services, hosts and the periodic tasks: heartbeats and liveness, os-services and os-hypervisors,
// the power-state sync, and the recovery of builds nothing else would move on.
import {
  actionEvent,
  createServers,
  deleteService,
  getServer,
  hostInstances,
  hostStates,
  isRpcError,
  listHypervisors,
  listInstanceActions,
  listServices,
  powerSync,
  scheduleAndBuild,
  serverAction,
  serviceReport,
  updateService,
  type NotificationEvent,
} from "@nimbus/rpc";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { transaction } from "../repositories/db";
import { adminCtx, createHarness, inventory, PROJECT, userCtx, type Harness } from "../testing";
import { recoverBuilds } from "./build-recovery";
import { checkServiceLiveness } from "./service-liveness";

let h: Harness;
const events: NotificationEvent[] = [];
beforeAll(async () => {
  h = await createHarness({
    env: { NIMBUS_SERVICE_DOWN_TIME: "60", NIMBUS_BUILD_STUCK_TIMEOUT: "30" },
  });
  await h.bus.subscribe(["#"], (event) => void events.push(event));
  await h.addHost("host-a");
  await h.addHost("host-b");
});
afterAll(() => h?.close());
beforeEach(async () => {
  await h.bus.idle();
  await h.conductor.notifier.flush();
  events.length = 0;
  for (const c of h.computes.values()) {
    c.auto = true;
    c.failBuilds = null;
  }
  h.scheduler.override = undefined;
});

const report = (host: string) =>
  h.bus.call(
    serviceReport,
    { host, binary: "nova-compute", version: "1", node: inventory(host) },
    { ctx: adminCtx() },
  );
const serviceEvents = async () => {
  await h.conductor.notifier.flush();
  return events.flatMap((e) => (e.type === "service.update" ? [e.payload] : []));
};

async function createOne() {
  const { servers } = await h.bus.call(
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
    },
    { ctx: userCtx() },
  );
  return servers[0]!;
}
const server = (uuid: string) =>
  h.bus.call(getServer, { uuid, projectId: null }, { ctx: adminCtx() });

describe("services", () => {
  it("registers on the first report and heartbeats after, keeping the node's usage", async () => {
    const before = await h.db.service.findFirstOrThrow({
      where: { host: "host-a", binary: "nova-compute" },
    });
    await h.db.computeNode.updateMany({ where: { host: "host-a" }, data: { vcpusUsed: 3 } });
    const reply = await report("host-a");
    expect(reply).toEqual({ serviceId: before.id, disabled: false, forcedDown: false });
    const after = await h.db.service.findFirstOrThrow({ where: { id: before.id } });
    expect(after.reportCount).toBe(before.reportCount + 1);
    expect((await h.db.computeNode.findFirstOrThrow({ where: { host: "host-a" } })).vcpusUsed).toBe(
      3,
    );
    await h.db.computeNode.updateMany({ where: { host: "host-a" }, data: { vcpusUsed: 0 } });
  });

  it("tells service.update when a service goes down and comes back, once per change", async () => {
    // Registration told the hosts' state already: nothing changed since.
    await checkServiceLiveness(h.conductor);
    await checkServiceLiveness(h.conductor);
    expect((await serviceEvents()).filter((e) => e.binary === "nova-compute")).toEqual([]);

    h.advance(61_000);
    try {
      await checkServiceLiveness(h.conductor);
      await checkServiceLiveness(h.conductor);
      const down = await serviceEvents();
      expect(down.map((e) => [e.host, e.state]).sort()).toEqual([
        ["host-a", "down"],
        ["host-b", "down"],
      ]);
      const { services } = await h.bus.call(
        listServices,
        { binary: "nova-compute" },
        { ctx: adminCtx() },
      );
      expect(services.map((s) => [s.host, s.up, s.zone, s.binary])).toEqual([
        ["host-a", false, "nova", "nova-compute"],
        ["host-b", false, "nova", "nova-compute"],
      ]);
      events.length = 0;
      await report("host-a");
      await checkServiceLiveness(h.conductor);
      expect((await serviceEvents()).map((e) => [e.host, e.state])).toEqual([["host-a", "up"]]);
    } finally {
      h.advance(-61_000);
      await report("host-a");
      await report("host-b");
    }
  });

  it("disables with a reason, forces down, and refuses to delete a host with servers", async () => {
    const service = await h.db.service.findFirstOrThrow({
      where: { host: "host-b", binary: "nova-compute" },
    });
    const disabled = await h.bus.call(
      updateService,
      { ref: service.uuid, disabled: true, disabledReason: "maintenance" },
      { ctx: adminCtx() },
    );
    expect(disabled).toMatchObject({ disabled: true, disabledReason: "maintenance", up: true });
    expect((await report("host-b")).disabled).toBe(true);
    const forced = await h.bus.call(
      updateService,
      { ref: service.id, forcedDown: true },
      { ctx: adminCtx() },
    );
    expect(forced).toMatchObject({ forcedDown: true, up: false });
    const enabled = await h.bus.call(
      updateService,
      { ref: service.id, disabled: false, forcedDown: false },
      { ctx: adminCtx() },
    );
    expect(enabled).toMatchObject({
      disabled: false,
      disabledReason: null,
      forcedDown: false,
      up: true,
    });
    expect((await serviceEvents()).map((e) => [e.state, e.status])).toEqual([
      ["up", "disabled"],
      ["down", "disabled"],
      ["up", "enabled"],
    ]);

    const s = await createOne();
    const host = (await server(s.uuid)).host!;
    const busy = await h.db.service.findFirstOrThrow({ where: { host, binary: "nova-compute" } });
    const err = await h.bus
      .call(deleteService, { ref: busy.uuid }, { ctx: adminCtx() })
      .catch((e: unknown) => e);
    expect(isRpcError(err, "conflict")).toBe(true);
    const missing = await h.bus
      .call(deleteService, { ref: 99999 }, { ctx: adminCtx() })
      .catch((e: unknown) => e);
    expect(isRpcError(missing, "not_found")).toBe(true);
  });

  it("deletes an empty host's service and node, and the host may register again", async () => {
    await h.addHost("host-z");
    const svc = await h.db.service.findFirstOrThrow({ where: { host: "host-z", deleted: 0 } });
    await h.bus.call(deleteService, { ref: svc.uuid }, { ctx: adminCtx() });
    const { nodes } = await h.bus.call(hostStates, {}, { ctx: adminCtx() });
    expect(nodes.map((n) => n.host)).not.toContain("host-z");
    await report("host-z");
    const again = await h.bus.call(hostStates, {}, { ctx: adminCtx() });
    expect(again.nodes.map((n) => n.host)).toContain("host-z");
    const z = await h.db.service.findFirstOrThrow({ where: { host: "host-z", deleted: 0 } });
    await h.bus.call(deleteService, { ref: z.uuid }, { ctx: adminCtx() });
  });

  it("lists hypervisors with usage and servers, by id, uuid, pattern and page", async () => {
    const s = await createOne();
    const { hypervisors } = await h.bus.call(
      listHypervisors,
      { withServers: true },
      { ctx: adminCtx() },
    );
    expect(hypervisors.map((n) => n.hypervisorHostname)).toEqual(["host-a", "host-b"]);
    const host = (await server(s.uuid)).host!;
    const mine = hypervisors.find((n) => n.host === host)!;
    expect(mine.servers?.map((x) => x.uuid)).toContain(s.uuid);
    expect(mine).toMatchObject({
      vcpus: 4,
      memoryMb: 8192,
      hypervisorType: "QEMU",
      service: { host, binary: "nova-compute" },
    });
    expect(mine.vcpusUsed).toBeGreaterThan(0);

    const byUuid = await h.bus.call(listHypervisors, { ref: mine.uuid }, { ctx: adminCtx() });
    expect(byUuid.hypervisors.map((n) => n.id)).toEqual([mine.id]);
    const page = await h.bus.call(
      listHypervisors,
      { limit: 1, marker: String(hypervisors[0]!.id) },
      { ctx: adminCtx() },
    );
    expect(page.hypervisors.map((n) => n.host)).toEqual(["host-b"]);
    expect(
      (await h.bus.call(listHypervisors, { hostnamePattern: "t-b" }, { ctx: adminCtx() }))
        .hypervisors,
    ).toHaveLength(1);
    const none = await h.bus
      .call(listHypervisors, { ref: 424242 }, { ctx: adminCtx() })
      .catch((e: unknown) => e);
    expect(isRpcError(none, "not_found")).toBe(true);
    const badMarker = await h.bus
      .call(listHypervisors, { marker: "424242" }, { ctx: adminCtx() })
      .catch((e: unknown) => e);
    expect(isRpcError(badMarker, "invalid")).toBe(true);
  });
});

describe("power sync", () => {
  it("records power changes, and stops an ACTIVE server whose guest shut itself down", async () => {
    const s = await createOne();
    const host = (await server(s.uuid)).host!;
    await h.bus.call(
      powerSync,
      { host, states: [{ uuid: s.uuid, powerState: 3 }] },
      { ctx: adminCtx() },
    );
    expect(await server(s.uuid)).toMatchObject({ vmState: "active", powerState: 3 });
    await h.bus.call(
      powerSync,
      { host, states: [{ uuid: s.uuid, powerState: 4 }] },
      { ctx: adminCtx() },
    );
    expect(await server(s.uuid)).toMatchObject({
      vmState: "stopped",
      powerState: 4,
      taskState: null,
    });
    const { actions } = await h.bus.call(
      listInstanceActions,
      { uuid: s.uuid, projectId: PROJECT },
      { ctx: userCtx() },
    );
    expect(actions[0]).toMatchObject({ action: "stop" });
    // Another host's word about this server, or one about a server with a task running, is ignored.
    await h.bus.call(
      powerSync,
      { host: "elsewhere", states: [{ uuid: s.uuid, powerState: 1 }] },
      { ctx: adminCtx() },
    );
    expect((await server(s.uuid)).powerState).toBe(4);
  });
});

describe("action events", () => {
  it("start and finish steps of the action of the message's request", async () => {
    const s = await createOne();
    const { actions } = await h.bus.call(
      listInstanceActions,
      { uuid: s.uuid, projectId: PROJECT },
      { ctx: userCtx() },
    );
    const ctx = { ...userCtx(), requestId: actions[0]!.requestId };
    await h.bus.call(
      actionEvent,
      { uuid: s.uuid, host: "host-a", event: "compute_extra_step", phase: "start" },
      { ctx },
    );
    await h.bus.call(
      actionEvent,
      { uuid: s.uuid, host: "host-a", event: "compute_extra_step", phase: "start" },
      { ctx },
    );
    await h.bus.call(
      actionEvent,
      {
        uuid: s.uuid,
        host: "host-a",
        event: "compute_extra_step",
        phase: "finish",
        result: "Error",
        traceback: "boom",
      },
      { ctx },
    );
    const after = await h.bus.call(
      listInstanceActions,
      { uuid: s.uuid, projectId: PROJECT, requestId: ctx.requestId },
      { ctx },
    );
    const steps = after.actions[0]!.events.filter((e) => e.event === "compute_extra_step");
    expect(steps.map((e) => [e.result, e.traceback, e.host])).toEqual([
      ["Error", "boom", "host-a"],
    ]);
    await h.conductor.notifier.flush();
    expect(events.some((e) => e.type === "instance.action")).toBe(true);
  });
});

describe("build recovery", () => {
  it("schedules again a build that lost its message, after the stuck timeout only", async () => {
    h.scheduler.override = () => {
      throw new Error("scheduler crashed");
    };
    const s = await createOne();
    h.scheduler.override = undefined;
    expect(await server(s.uuid)).toMatchObject({ vmState: "building", host: null });
    expect((await recoverBuilds(h.conductor)).rescheduled).toEqual([]);
    h.advance(31_000);
    try {
      const outcome = await recoverBuilds(h.conductor);
      expect(outcome.rescheduled).toEqual([s.uuid]);
      expect((await server(s.uuid)).vmState).toBe("active");
      expect((await recoverBuilds(h.conductor)).rescheduled).toEqual([]);
    } finally {
      h.advance(-31_000);
    }
  });

  it("moves the builds of a host that went down to another host", async () => {
    for (const c of h.computes.values()) c.auto = false; // builds wait on their host
    const s = await createOne();
    const stuckOn = (await server(s.uuid)).host!;
    const other = stuckOn === "host-a" ? "host-b" : "host-a";
    h.computes.get(other)!.auto = true;
    h.advance(61_000);
    try {
      await report(other); // only the other host keeps reporting
      const outcome = await recoverBuilds(h.conductor);
      expect(outcome.failedOver).toEqual([s.uuid]);
      expect(await server(s.uuid)).toMatchObject({ vmState: "active", host: other });
      expect(await h.db.allocation.count({ where: { instanceUuid: s.uuid } })).toBe(1);
    } finally {
      h.advance(-61_000);
      for (const c of h.computes.values()) c.received = [];
      await report("host-a");
      await report("host-b");
    }
  });

  it("deletes what a host that went down was deleting", async () => {
    const s = await createOne();
    const host = (await server(s.uuid)).host!;
    h.computes.get(host)!.auto = false; // the terminate never comes back
    await h.bus.call(
      serverAction,
      { uuid: s.uuid, projectId: PROJECT, action: "delete" },
      { ctx: userCtx() },
    );
    expect((await server(s.uuid)).taskState).toBe("deleting");
    expect((await recoverBuilds(h.conductor)).deleted).toEqual([]);
    h.advance(61_000);
    try {
      expect((await recoverBuilds(h.conductor)).deleted).toEqual([s.uuid]);
      expect(isRpcError(await server(s.uuid).catch((e: unknown) => e), "not_found")).toBe(true);
      expect(await h.db.allocation.count({ where: { instanceUuid: s.uuid } })).toBe(0);
    } finally {
      h.advance(-61_000);
      await report("host-a");
      await report("host-b");
    }
  });

  it("lets a restarted host know its servers and the ones deleted while it was away", async () => {
    const s = await createOne();
    const host = (await server(s.uuid)).host!;
    const before = await h.bus.call(hostInstances, { host }, { ctx: adminCtx() });
    expect(before.instances.map((i) => i.uuid)).toContain(s.uuid);
    await transaction(
      h.sql,
      (tx) =>
        tx.$executeRaw`UPDATE instances SET deleted = id, deleted_at = NOW(3) WHERE uuid = ${s.uuid}`,
    );
    const after = await h.bus.call(hostInstances, { host }, { ctx: adminCtx() });
    expect(after.instances.map((i) => i.uuid)).not.toContain(s.uuid);
    expect(after.deletedUuids).toContain(s.uuid);
  });

  it("a schedule_and_build for a deleted server does nothing", async () => {
    const s = await createOne();
    await transaction(
      h.sql,
      (tx) => tx.$executeRaw`UPDATE instances SET deleted = id WHERE uuid = ${s.uuid}`,
    );
    await h.bus.cast(scheduleAndBuild, { instanceUuids: [s.uuid] }, { ctx: userCtx() });
    expect(h.scheduler.requests.filter((r) => r.instanceUuids.includes(s.uuid))).toHaveLength(1);
  });
});
