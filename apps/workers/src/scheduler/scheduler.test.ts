// The scheduler as it runs, on the in-memory bus: a fake conductor answers host_states and
// service_report, notifications change the view, and select_destinations is called over the bus.
import { randomUUID } from "node:crypto";
import type { EventEmitter } from "node:events";
import {
  computeNodeUpdateEvent,
  handler,
  hostStates,
  selectDestinations,
  serviceReport,
  serviceUpdateEvent,
  systemContext,
  type ComputeNode,
  type RequestSpec,
} from "@nimbus/rpc";
import { createMemoryBus, type MemoryBus } from "@nimbus/rpc/memory";
import { capturingLogger, waitFor } from "@nimbus/rpc/testing";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "./config";
import { startScheduler } from "./scheduler";
import { fakeNode, fakeSpec, type SpecOverrides } from "./testing";

const ctx = systemContext();
const logger = pino({ level: "silent" });

interface FakeConductor {
  nodes: ComputeNode[];
  hostStatesCalls: number;
  reports: { host: string; binary: string }[];
}

async function fakeConductor(bus: MemoryBus, nodes: ComputeNode[]): Promise<FakeConductor> {
  const state: FakeConductor = { nodes, hostStatesCalls: 0, reports: [] };
  await bus.serve({ service: "conductor" }, [
    handler(hostStates, () => {
      state.hostStatesCalls++;
      return { nodes: state.nodes };
    }),
    handler(serviceReport, (req) => {
      state.reports.push({ host: req.host, binary: req.binary });
      return { serviceId: 1, disabled: false, forcedDown: false };
    }),
  ]);
  return state;
}

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

async function setup(nodes: ComputeNode[], env: Record<string, string> = {}) {
  const bus = createMemoryBus({ castsAsCalls: true, service: "scheduler", host: "sched-1" });
  const conductor = await fakeConductor(bus, nodes);
  const config = loadConfig({ NIMBUS_HOST: "sched-1", ...env });
  const scheduler = await startScheduler({ config, bus, logger });
  stops.push(async () => {
    await scheduler.stop();
    await bus.close();
  });
  const select = (overrides: SpecOverrides = {}, alternates = 1) =>
    bus.call(selectDestinations, { spec: fakeSpec(overrides), alternates }, { ctx });
  const chosen = async (overrides: SpecOverrides = {}) =>
    (await select(overrides)).selections.map((s) => s.hosts[0]!.host);
  return { bus, conductor, scheduler, select, chosen };
}

const group = (policy: NonNullable<RequestSpec["group"]>["policy"], hosts: string[] = []) => ({
  uuid: randomUUID(),
  policy,
  hosts,
});

describe("scheduler", () => {
  it("reads the hosts from the conductor and reports as nova-scheduler", async () => {
    const { conductor, scheduler } = await setup([fakeNode("a"), fakeNode("b")]);
    expect(conductor.hostStatesCalls).toBe(1);
    expect(scheduler.view.size).toBe(2);
    expect(conductor.reports).toEqual([{ host: "sched-1", binary: "nova-scheduler" }]);
  });

  it("spreads servers over equal hosts across calls", async () => {
    const { chosen } = await setup([fakeNode("a"), fakeNode("b"), fakeNode("c")]);
    const hosts = [];
    for (let i = 0; i < 6; i++) hosts.push(...(await chosen()));
    expect(hosts).toEqual(["a", "b", "c", "a", "b", "c"]);
  });

  it("gives a disabled host nothing", async () => {
    const { chosen } = await setup([
      fakeNode("a", { service: { disabled: true, disabledReason: "maintenance" } }),
      fakeNode("b"),
    ]);
    expect(await chosen({ count: 3 })).toEqual(["b", "b", "b"]);
  });

  it("stops placing on a host whose service goes down, and resumes when it is back", async () => {
    const { bus, chosen } = await setup([fakeNode("a"), fakeNode("b")]);
    const change = (state: "up" | "down") =>
      bus.publish(
        serviceUpdateEvent,
        {
          binary: "nova-compute",
          host: "a",
          state,
          status: "enabled",
          disabledReason: null,
          lastSeenUp: null,
        },
        { ctx },
      );
    await change("down");
    expect(await chosen({ count: 2 })).toEqual(["b", "b"]);
    await change("up");
    expect(await chosen()).toEqual(["a"]);
  });

  it("ignores service changes of other binaries", async () => {
    const { bus, chosen } = await setup([fakeNode("a")]);
    await bus.publish(
      serviceUpdateEvent,
      {
        binary: "nova-scheduler",
        host: "a",
        state: "down",
        status: "enabled",
        disabledReason: null,
        lastSeenUp: null,
      },
      { ctx },
    );
    expect(await chosen()).toEqual(["a"]);
  });

  it("follows a node's usage from compute_node.update", async () => {
    const a = fakeNode("a");
    const b = fakeNode("b");
    const { bus, chosen } = await setup([a, b]);
    await bus.publish(computeNodeUpdateEvent, { node: { ...a, memoryMbUsed: 8192 } }, { ctx });
    expect(await chosen({ count: 3 })).toEqual(["b", "b", "b"]);
    // a node the scheduler has never seen joins from its first notification
    await bus.publish(computeNodeUpdateEvent, { node: fakeNode("c") }, { ctx });
    expect(await chosen()).toEqual(["c"]);
  });

  it("places anti-affinity members on different hosts, also within one request", async () => {
    const { chosen, select } = await setup([fakeNode("a"), fakeNode("b"), fakeNode("c")]);
    const g = group("anti-affinity");
    expect(new Set(await chosen({ count: 3, group: g })).size).toBe(3);
    await expect(select({ count: 4, group: g })).rejects.toMatchObject({
      code: "no_valid_host",
      message: expect.stringContaining("ServerGroupAntiAffinityFilter removed 3 hosts"),
    });
  });

  it("places affinity members on the same host", async () => {
    const { chosen } = await setup([fakeNode("a"), fakeNode("b", { memoryMbUsed: 1024 })]);
    expect(await chosen({ count: 3, group: group("affinity") })).toEqual(["a", "a", "a"]);
    expect(await chosen({ count: 2, group: group("affinity", ["b"]) })).toEqual(["b", "b"]);
  });

  it("returns alternates distinct from the chosen host, and the explanation", async () => {
    const { select } = await setup([fakeNode("a"), fakeNode("b"), fakeNode("c")]);
    const reply = await select({ count: 2 }, 2);
    for (const s of reply.selections) {
      const hosts = s.hosts.map((h) => h.host);
      expect(hosts).toHaveLength(3);
      expect(new Set(hosts).size).toBe(3);
    }
    expect(reply.explanation.hostsConsidered).toBe(3);
    expect(reply.explanation.weighed.map((w) => w.host)).toEqual(["a", "b", "c"]);
  });

  it("no valid host: the error names the filters and carries the explanation", async () => {
    const { select } = await setup([
      fakeNode("a", { service: { up: false } }),
      fakeNode("b", { memoryMb: 1024 }),
    ]);
    const err = await select().catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: "no_valid_host",
      message:
        "No valid host was found. ComputeFilter removed 1 host (compute service down or disabled); RamFilter removed 1 host (not enough free RAM).",
      details: {
        hostsConsidered: 2,
        filters: expect.arrayContaining([
          {
            name: "ComputeFilter",
            before: 2,
            after: 1,
            removed: [{ host: "a", reason: "compute service is down" }],
          },
        ]),
      },
    });
  });

  it("uses the configured filters and multipliers", async () => {
    const { chosen } = await setup(
      [
        fakeNode("a", { service: { up: false } }),
        fakeNode("b"),
        fakeNode("c", { memoryMbUsed: 1024 }),
      ],
      {
        NIMBUS_SCHEDULER_FILTERS: "RamFilter",
        NIMBUS_SCHEDULER_WEIGHERS: "RAMWeigher",
        NIMBUS_SCHEDULER_RAM_WEIGHT_MULTIPLIER: "-1",
      },
    );
    // RAM stacking fills the fullest host first (c: 7, 5, 3, 1 GB free), then, with no
    // ComputeFilter, the down host "a" is as good a candidate as "b" (and first by name)
    expect(await chosen()).toEqual(["c"]);
    expect(await chosen({ count: 3 })).toEqual(["c", "c", "a"]);
  });

  it("re-reads every host on reconnect and periodically; nodes the conductor dropped go away", async () => {
    const { bus, conductor, scheduler } = await setup([fakeNode("a"), fakeNode("b")], {
      NIMBUS_SCHEDULER_REFRESH_INTERVAL_MS: "100",
    });
    conductor.nodes = [conductor.nodes[0]!];
    await waitFor(() => scheduler.view.size === 1, { what: "the periodic refresh" });
    const calls = conductor.hostStatesCalls;
    conductor.nodes = [fakeNode("c")];
    // the in-memory bus never reconnects: announce one as the AMQP bus does after a broker restart
    (bus as unknown as EventEmitter).emit("connected");
    await waitFor(() => conductor.hostStatesCalls > calls, { what: "the refresh on reconnect" });
    await waitFor(() => scheduler.view.hosts()[0]?.host === "c", { what: "the new view" });
  });

  it("waits for the conductor at start", async () => {
    const bus = createMemoryBus({ castsAsCalls: true });
    const log = capturingLogger();
    const starting = startScheduler({ config: loadConfig({}), bus, logger: log.logger });
    // nothing serves the conductor yet: the first read fails, and start keeps trying
    await waitFor(
      () => log.lines.some((l) => l.msg === "cannot read the hosts from the conductor yet"),
      { what: "the failed first read" },
    );
    const conductor = await fakeConductor(bus, [fakeNode("a")]);
    const scheduler = await starting;
    stops.push(async () => {
      await scheduler.stop();
      await bus.close();
    });
    expect(conductor.hostStatesCalls).toBe(1);
    expect(scheduler.view.size).toBe(1);
  });

  it("stops serving on stop()", async () => {
    const bus = createMemoryBus({ castsAsCalls: true });
    await fakeConductor(bus, [fakeNode("a")]);
    const scheduler = await startScheduler({ config: loadConfig({}), bus, logger });
    await scheduler.stop();
    await expect(
      bus.call(selectDestinations, { spec: fakeSpec(), alternates: 0 }, { ctx }),
    ).rejects.toMatchObject({ code: "unavailable" });
    await bus.close();
  });
});
