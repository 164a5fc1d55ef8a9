// The boot spine end to end on libvirt's test hypervisor: web, conductor, scheduler and one compute
// as real processes on RabbitMQ and MariaDB. Creates, every server action and delete, observed
// through the API and through the instance.update notifications the conductor publishes.
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
  serverAction,
} from "../stack/servers";
import { startStack, type Stack } from "../stack/stack";

let stack: Stack;
let alice: ApiClient;

beforeAll(async () => {
  stack = await startStack({
    name: "spine-test-driver",
    // The test hypervisor reports 3 GiB; overcommit so twenty m1.tiny fit on it.
    computes: [{ host: "node1", env: { NIMBUS_RAM_ALLOCATION_RATIO: "16" } }],
  });
  alice = await stack.compute({ user: "alice", project: "p1" });
});

afterAll(async () => {
  await stack?.stop();
});

/** On failure, print what every process logged last. */
function showLogsOnFailure() {
  onTestFailed(async () => {
    console.log(await stack.logTail(30));
  });
}

const ACTIVE = { vmState: "active", taskState: null, powerState: 1 };

describe("creating servers", () => {
  test("20 concurrent creates from four projects all reach ACTIVE, through scheduling and spawning", async () => {
    showLogsOnFailure();
    // Default quotas allow 10 instances per project: four projects, five servers each.
    const clients = await Promise.all(
      [1, 2, 3, 4].map((n) => stack.compute({ user: `user${n}`, project: `proj${n}` })),
    );
    const ids = await Promise.all(
      Array.from({ length: 20 }, (_, i) => createServer(stack, clients[i % 4]!)),
    );
    expect(new Set(ids).size).toBe(20);

    const servers = await Promise.all(ids.map((id) => stack.waitForServer(id, isActive, 60_000)));
    for (const s of servers) {
      expect(s["OS-EXT-SRV-ATTR:host"]).toBe("node1");
      expect(s["OS-EXT-STS:power_state"]).toBe(1);
      expect(s["OS-SRV-USG:launched_at"]).toEqual(expect.any(String));
    }
    // Every server went BUILD/scheduling → BUILD/spawning → ACTIVE, in that order.
    for (const id of ids) {
      await stack.events.waitFor(id, (i) => i.vmState === "active");
      expect(stack.events.steps(id)).toEqual([
        { vmState: "building", taskState: "scheduling", powerState: 0 },
        { vmState: "building", taskState: "spawning", powerState: 0 },
        ACTIVE,
      ]);
    }
    const usage = (await hostUsage(stack)).get("node1");
    expect(usage).toEqual({
      memoryMb: 20 * FLAVORS.tiny.ram,
      vcpus: 20,
      diskGb: 20 * FLAVORS.tiny.disk,
      runningVms: 20,
    });

    await deleteAll(stack);
    expect((await hostUsage(stack)).get("node1")).toEqual({
      memoryMb: 0,
      vcpus: 0,
      diskGb: 0,
      runningVms: 0,
    });
  });
});

describe("server actions", () => {
  let id: string;

  beforeAll(async () => {
    id = await createServer(stack, alice, { name: "actions" });
    await stack.waitForServer(id, isActive);
  });

  // Each action: the task state the API sets at once, then the states the compute reports.
  const cases: Array<{
    name: string;
    body: Record<string, unknown>;
    code?: number;
    status: string;
    steps: object[];
  }> = [
    {
      name: "os-stop",
      body: { "os-stop": null },
      status: "SHUTOFF",
      steps: [
        { vmState: "active", taskState: "powering-off", powerState: 1 },
        { vmState: "stopped", taskState: null, powerState: 4 },
      ],
    },
    {
      name: "os-start",
      body: { "os-start": null },
      status: "ACTIVE",
      steps: [{ vmState: "stopped", taskState: "powering-on", powerState: 4 }, ACTIVE],
    },
    {
      name: "reboot SOFT",
      body: { reboot: { type: "SOFT" } },
      status: "ACTIVE",
      steps: [{ vmState: "active", taskState: "rebooting", powerState: 1 }, ACTIVE],
    },
    {
      name: "reboot HARD",
      body: { reboot: { type: "HARD" } },
      status: "ACTIVE",
      steps: [{ vmState: "active", taskState: "rebooting_hard", powerState: 1 }, ACTIVE],
    },
    {
      name: "pause",
      body: { pause: null },
      status: "PAUSED",
      steps: [
        { vmState: "active", taskState: "pausing", powerState: 1 },
        { vmState: "paused", taskState: null, powerState: 3 },
      ],
    },
    {
      name: "unpause",
      body: { unpause: null },
      status: "ACTIVE",
      steps: [{ vmState: "paused", taskState: "unpausing", powerState: 3 }, ACTIVE],
    },
    {
      name: "suspend",
      body: { suspend: null },
      status: "SUSPENDED",
      steps: [
        { vmState: "active", taskState: "suspending", powerState: 1 },
        { vmState: "suspended", taskState: null, powerState: 7 },
      ],
    },
    {
      name: "resume",
      body: { resume: null },
      status: "ACTIVE",
      steps: [{ vmState: "suspended", taskState: "resuming", powerState: 7 }, ACTIVE],
    },
    {
      name: "resize to m1.small",
      body: { resize: { flavorRef: FLAVORS.small.id } },
      status: "VERIFY_RESIZE",
      steps: [
        { vmState: "active", taskState: "resize_prep", powerState: 1 },
        { vmState: "resized", taskState: null, powerState: 1 },
      ],
    },
    {
      name: "confirmResize",
      body: { confirmResize: null },
      code: 204,
      status: "ACTIVE",
      steps: [{ vmState: "resized", taskState: "resize_confirming", powerState: 1 }, ACTIVE],
    },
    {
      name: "resize to m1.medium",
      body: { resize: { flavorRef: FLAVORS.medium.id } },
      status: "VERIFY_RESIZE",
      steps: [
        { vmState: "active", taskState: "resize_prep", powerState: 1 },
        { vmState: "resized", taskState: null, powerState: 1 },
      ],
    },
    {
      name: "revertResize",
      body: { revertResize: null },
      status: "ACTIVE",
      steps: [{ vmState: "resized", taskState: "resize_reverting", powerState: 1 }, ACTIVE],
    },
  ];

  test.each(cases)(
    "$name moves through its task state to $status",
    async ({ body, code = 202, status, steps }) => {
      showLogsOnFailure();
      const from = stack.events.updates(id).length;
      const res = await serverAction(alice, id, body);
      expect(res.status, JSON.stringify(res.body)).toBe(code);
      const last = steps.at(-1) as { vmState: string; taskState: null };
      await stack.events.waitFor(
        id,
        (i) =>
          stack.events.updates(id).indexOf(i) >= from &&
          i.vmState === last.vmState &&
          i.taskState === null,
      );
      expect(stack.events.steps(id, from)).toEqual(steps);
      const server = await stack.waitForServer(id, (s) => s["OS-EXT-STS:task_state"] === null);
      expect(server.status).toBe(status);
    },
  );

  test("the flavor follows resize, confirm and revert", async () => {
    const server = await stack.waitForServer(id, isActive);
    // Resized to m1.small and confirmed, then to m1.medium and reverted: m1.small stays.
    expect(server.flavor.original_name).toBe("m1.small");
    expect((await hostUsage(stack)).get("node1")).toMatchObject({
      memoryMb: FLAVORS.small.ram,
      vcpus: 1,
      diskGb: FLAVORS.small.disk,
    });
  });

  test("every action is recorded with its compute event, finished with Success on node1", async () => {
    const admin = await stack.compute();
    const list = await admin.get(`/servers/${id}/os-instance-actions`);
    expect(list.status).toBe(200);
    const actions = (
      list.body.instanceActions as Array<{ action: string; request_id: string }>
    ).map((a) => a.action);
    // Newest first, as Nova lists them.
    expect(actions.reverse()).toEqual([
      "create",
      "stop",
      "start",
      "reboot",
      "reboot",
      "pause",
      "unpause",
      "suspend",
      "resume",
      "resize",
      "confirmResize",
      "resize",
      "revertResize",
    ]);
    for (const a of list.body.instanceActions as Array<{ request_id: string; action: string }>) {
      const show = await admin.get(`/servers/${id}/os-instance-actions/${a.request_id}`);
      const events = show.body.instanceAction.events as Array<{
        event: string;
        result: string;
        host: string;
        finish_time: string | null;
      }>;
      const computeEvents = events.filter((e) => e.event.startsWith("compute_"));
      expect(computeEvents, `${a.action}: ${JSON.stringify(events)}`).toHaveLength(1);
      expect(computeEvents[0]).toMatchObject({
        result: "Success",
        host: "node1",
        finish_time: expect.any(String),
      });
    }
  });

  test("an action in the wrong state gets Nova's 409", async () => {
    showLogsOnFailure();
    const unpause = await serverAction(alice, id, { unpause: null });
    expect(unpause.status).toBe(409);
    expect(unpause.body).toEqual({
      conflictingRequest: {
        code: 409,
        message: `Cannot 'unpause' instance ${id} while it is in vm_state active`,
      },
    });
    const confirm = await serverAction(alice, id, { confirmResize: null });
    expect(confirm.status).toBe(409);

    const stop = await serverAction(alice, id, { "os-stop": null });
    expect(stop.status).toBe(202);
    await stack.waitForServer(
      id,
      (s) => s.status === "SHUTOFF" && s["OS-EXT-STS:task_state"] === null,
    );
    for (const body of [{ "os-stop": null }, { pause: null }, { suspend: null }]) {
      const res = await serverAction(alice, id, body);
      expect(res.status, JSON.stringify(body)).toBe(409);
      expect(res.body.conflictingRequest.message).toContain("while it is in vm_state stopped");
    }
    // Nothing changed: the refused actions left no task state and no action record.
    const server = await stack.waitForServer(id, () => true);
    expect(server).toMatchObject({ status: "SHUTOFF", "OS-EXT-STS:task_state": null });

    await serverAction(alice, id, { "os-start": null });
    await stack.waitForServer(id, isActive);
  });

  test("of two racing actions exactly one wins; the other gets 409", async () => {
    showLogsOnFailure();
    const [a, b] = await Promise.all([
      serverAction(alice, id, { "os-stop": null }),
      serverAction(alice, id, { pause: null }),
    ]);
    expect([a.status, b.status].sort()).toEqual([202, 409]);
    const loser = a.status === 409 ? a : b;
    // Refused by the guard (the winner's task state already set) or by the compare-and-swap.
    expect(loser.body.conflictingRequest.message).toMatch(/task_state/);
    const server = await stack.waitForServer(id, (s) => s["OS-EXT-STS:task_state"] === null);
    expect(server.status).toBe(a.status === 202 ? "SHUTOFF" : "PAUSED");
  });
});

describe("deleting servers", () => {
  test("delete → 404 afterwards, instance.delete published, and the host's usage returns to zero", async () => {
    showLogsOnFailure();
    await deleteAll(stack);
    const ids = await Promise.all([1, 2, 3].map(() => createServer(stack, alice)));
    await Promise.all(ids.map((id) => stack.waitForServer(id, isActive)));
    const servers = await allServers(stack);
    expect((await hostUsage(stack)).get("node1")).toEqual({
      ...expectedUsage(servers, "node1"),
      runningVms: 3,
    });

    const from = new Map(ids.map((id) => [id, stack.events.updates(id).length]));
    for (const id of ids) expect((await alice.delete(`/servers/${id}`)).status).toBe(204);
    for (const id of ids) {
      await stack.waitForServerGone(id);
      expect((await alice.get(`/servers/${id}`)).status).toBe(404);
      await expect.poll(() => stack.events.deleted.has(id), { timeout: 10_000 }).toBe(true);
      expect(stack.events.steps(id, from.get(id))[0]).toMatchObject({ taskState: "deleting" });
    }
    expect((await hostUsage(stack)).get("node1")).toEqual({
      memoryMb: 0,
      vcpus: 0,
      diskGb: 0,
      runningVms: 0,
    });
    expect(await allServers(stack)).toEqual([]);
  });
});
