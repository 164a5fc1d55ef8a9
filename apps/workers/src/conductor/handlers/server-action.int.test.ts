import {
  consoleOutput,
  createServers,
  getServer,
  isRpcError,
  listInstanceActions,
  serverAction,
  serviceReport,
  updateServer,
  type Instance,
  type RequestContext,
} from "@nimbus/rpc";
import { statusFromState, type ServerActionName } from "@nimbus/rpc/domain";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { transaction } from "../repositories/db";
import {
  adminCtx,
  createHarness,
  inventory,
  OTHER_PROJECT,
  PROJECT,
  userCtx,
  type Harness,
} from "../testing";

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
  await h.addHost("host-a");
});
afterAll(() => h?.close());
beforeEach(async () => {
  await h.bus.idle();
  await transaction(h.sql, async (tx) => {
    await tx.$executeRaw`UPDATE instances SET deleted = id, vm_state = 'deleted' WHERE deleted = 0`;
    await tx.$executeRaw`DELETE FROM allocations`;
    await tx.$executeRaw`UPDATE compute_nodes SET vcpus_used = 0, memory_mb_used = 0, local_gb_used = 0, running_vms = 0`;
  });
  h.computes.get("host-a")!.auto = true;
  h.computes.get("host-a")!.received = [];
});

async function newServer(flavorRef = "1"): Promise<Instance> {
  const { servers } = await h.bus.call(
    createServers,
    {
      name: "vm",
      imageRef: h.imageId,
      flavorRef,
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
  const s = await get(servers[0]!.uuid);
  expect(s.vmState).toBe("active");
  return s;
}

const get = (uuid: string) =>
  h.bus.call(getServer, { uuid, projectId: PROJECT }, { ctx: userCtx() });
const act = (
  uuid: string,
  action: ServerActionName,
  extra: Record<string, unknown> = {},
  ctx: RequestContext = userCtx(),
) => h.bus.call(serverAction, { uuid, projectId: PROJECT, action, ...extra }, { ctx });

async function rejection(p: Promise<unknown>) {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isRpcError(err)) throw new Error(`expected an RpcError, got ${String(err)}`);
  return err;
}

/** Run an action with the compute holding it: the state right after the swap, then after the host. */
async function step(uuid: string, action: ServerActionName, extra: Record<string, unknown> = {}) {
  const compute = h.computes.get("host-a")!;
  compute.auto = false;
  const during = await act(uuid, action, extra);
  compute.auto = true;
  await compute.release();
  return { during, after: await get(uuid) };
}

const usage = async () => {
  const n = await h.db.computeNode.findFirstOrThrow({ where: { host: "host-a" } });
  return [n.vcpusUsed, n.memoryMbUsed, n.localGbUsed, n.runningVms];
};

describe("server actions", () => {
  it("move through the right vm/task/power states and back", async () => {
    const s = await newServer();
    const path: [ServerActionName, string, string, [string, number]][] = [
      ["stop", "powering-off", "SHUTOFF", ["stopped", 4]],
      ["start", "powering-on", "ACTIVE", ["active", 1]],
      ["reboot-soft", "rebooting", "ACTIVE", ["active", 1]],
      ["reboot-hard", "rebooting_hard", "ACTIVE", ["active", 1]],
      ["pause", "pausing", "PAUSED", ["paused", 3]],
      ["unpause", "unpausing", "ACTIVE", ["active", 1]],
      ["suspend", "suspending", "SUSPENDED", ["suspended", 7]],
      ["resume", "resuming", "ACTIVE", ["active", 1]],
    ];
    for (const [action, taskState, status, [vmState, powerState]] of path) {
      const { during, after } = await step(s.uuid, action);
      expect([action, during.taskState]).toEqual([action, taskState]);
      expect([action, after.vmState, after.taskState, after.powerState]).toEqual([
        action,
        vmState,
        null,
        powerState,
      ]);
      expect(statusFromState(after.vmState, after.taskState)).toBe(status);
    }
    expect(h.computes.get("host-a")!.received.map((r) => r.message)).toEqual([
      "build_and_run_instance",
      "stop_instance",
      "start_instance",
      "reboot_SOFT",
      "reboot_HARD",
      "pause_instance",
      "unpause_instance",
      "suspend_instance",
      "resume_instance",
    ]);
    const { actions } = await h.bus.call(
      listInstanceActions,
      { uuid: s.uuid, projectId: PROJECT },
      { ctx: userCtx() },
    );
    expect(actions.map((a) => a.action)).toEqual([
      "resume",
      "suspend",
      "unpause",
      "pause",
      "reboot",
      "reboot",
      "start",
      "stop",
      "create",
    ]);
    expect(actions.every((a) => a.finishTime !== null)).toBe(true);
    expect(actions[0]!.events.map((e) => [e.event, e.result])).toEqual([
      ["compute_resume_instance", "Success"],
    ]);
  });

  it("refuses an action in the wrong state with Nova's 409", async () => {
    const s = await newServer();
    const cases: [ServerActionName, string][] = [
      ["start", `Cannot 'start' instance ${s.uuid} while it is in vm_state active`],
      ["unpause", `Cannot 'unpause' instance ${s.uuid} while it is in vm_state active`],
      ["resume", `Cannot 'resume' instance ${s.uuid} while it is in vm_state active`],
      [
        "confirm-resize",
        `Cannot 'confirmResize' instance ${s.uuid} while it is in vm_state active`,
      ],
    ];
    for (const [action, message] of cases) {
      const err = await rejection(act(s.uuid, action));
      expect([err.code, err.message]).toEqual(["conflict", message]);
    }
    await step(s.uuid, "stop");
    const onStopped: [ServerActionName, string][] = [
      ["stop", "stop"],
      ["reboot-soft", "reboot"],
      ["pause", "pause"],
      ["unpause", "unpause"],
      ["suspend", "suspend"],
      ["resume", "resume"],
      ["revert-resize", "revertResize"],
    ];
    for (const [action, apiName] of onStopped) {
      const err = await rejection(act(s.uuid, action));
      expect([err.code, err.message]).toEqual([
        "conflict",
        `Cannot '${apiName}' instance ${s.uuid} while it is in vm_state stopped`,
      ]);
    }
    await step(s.uuid, "start");
    await step(s.uuid, "pause");
    const resize = await rejection(act(s.uuid, "resize", { flavorRef: "2" }));
    expect(resize.message).toBe(
      `Cannot 'resize' instance ${s.uuid} while it is in vm_state paused`,
    );
    await step(s.uuid, "unpause");
    await step(s.uuid, "stop");
    // While a task runs, another action waits its turn.
    h.computes.get("host-a")!.auto = false;
    await act(s.uuid, "start");
    const busy = await rejection(act(s.uuid, "reboot-hard"));
    expect(busy.message).toBe(
      `Cannot 'reboot' instance ${s.uuid} while it is in task_state powering-on`,
    );
    h.computes.get("host-a")!.auto = true;
    await h.computes.get("host-a")!.release();
  });

  it("lets exactly one of two racing actions win (compare-and-swap on the task state)", async () => {
    const s = await newServer();
    h.computes.get("host-a")!.auto = false;
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => act(s.uuid, "stop")));
    const won = results.filter((r) => r.status === "fulfilled");
    const lost = results.flatMap((r) => (r.status === "rejected" ? [r.reason] : []));
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(7);
    for (const err of lost) {
      expect(isRpcError(err, "conflict")).toBe(true);
      expect((err as Error).message).toMatch(
        new RegExp(
          `^(Conflict updating instance ${s.uuid}\\. Expected: \\{'task_state': \\[None\\]\\}\\. Actual: \\{'task_state': 'powering-off'\\}` +
            `|Cannot 'stop' instance ${s.uuid} while it is in task_state powering-off)$`,
        ),
      );
    }
    h.computes.get("host-a")!.auto = true;
    await h.computes.get("host-a")!.release();
    expect(
      h.computes.get("host-a")!.received.filter((r) => r.message === "stop_instance"),
    ).toHaveLength(1);
    expect((await get(s.uuid)).vmState).toBe("stopped");
  });

  it("never refuses a delete that races another action: it tries again on the new state", async () => {
    const servers = await Promise.all(Array.from({ length: 4 }, () => newServer()));
    // Each server's delete runs alongside a stop and a reboot, which may win the task state first
    // (and then fail on the host, finding the server deleting: that is theirs to lose).
    const results = await Promise.allSettled(
      servers.flatMap((s) => [
        act(s.uuid, "stop"),
        act(s.uuid, "reboot-soft"),
        act(s.uuid, "delete"),
      ]),
    );
    const refusedDeletes = results
      .filter((r, i) => i % 3 === 2 && r.status === "rejected")
      .map((r) => String((r as PromiseRejectedResult).reason));
    expect(refusedDeletes).toEqual([]);
    for (const s of servers) {
      expect(await rejection(get(s.uuid))).toMatchObject({ code: "not_found" });
    }
  });

  it("answers a call run twice with the server, not a conflict", async () => {
    const s = await newServer();
    const ctx = userCtx();
    h.computes.get("host-a")!.auto = false;
    const first = await act(s.uuid, "stop", {}, ctx);
    const again = await act(s.uuid, "stop", {}, ctx);
    expect(again.taskState).toBe(first.taskState);
    h.computes.get("host-a")!.auto = true;
    await h.computes.get("host-a")!.release();
    expect(
      h.computes.get("host-a")!.received.filter((r) => r.message === "stop_instance"),
    ).toHaveLength(1);
  });

  it("resizes: claims the larger flavor, then confirm keeps the new one and revert the old", async () => {
    const s = await newServer("1");
    const before = await usage();
    const resize = await step(s.uuid, "resize", { flavorRef: "2" });
    expect(resize.during).toMatchObject({
      taskState: "resize_prep",
      newFlavor: { id: "2" },
      oldFlavor: { id: "1" },
    });
    expect(resize.after).toMatchObject({
      vmState: "resized",
      taskState: null,
      flavor: { id: "2" },
    });
    expect(statusFromState(resize.after.vmState, resize.after.taskState)).toBe("VERIFY_RESIZE");
    // m1.tiny → m1.small: the host holds the larger of both until confirm or revert.
    expect(await usage()).toEqual([before[0], before[1]! + 1536, before[2]! + 19, before[3]]);

    const confirm = await step(s.uuid, "confirm-resize");
    expect(confirm.during.taskState).toBe("resize_confirming");
    expect(confirm.after).toMatchObject({
      vmState: "active",
      flavor: { id: "2" },
      oldFlavor: null,
      newFlavor: null,
    });
    expect(await usage()).toEqual([before[0], before[1]! + 1536, before[2]! + 19, before[3]]);

    await step(s.uuid, "resize", { flavorRef: "3" });
    const revert = await step(s.uuid, "revert-resize");
    expect(revert.during.taskState).toBe("resize_reverting");
    expect(revert.after).toMatchObject({
      vmState: "active",
      flavor: { id: "2" },
      oldFlavor: null,
      newFlavor: null,
    });
    expect(await usage()).toEqual([before[0], before[1]! + 1536, before[2]! + 19, before[3]]);
    const row = await h.db.instance.findUniqueOrThrow({ where: { uuid: s.uuid } });
    expect([row.vcpus, row.memoryMb, row.rootGb]).toEqual([1, 2048, 20]);
  });

  it("refuses a resize to the same flavor, an unknown one, one over quota or one that does not fit", async () => {
    const s = await newServer("1");
    const same = await rejection(act(s.uuid, "resize", { flavorRef: "1" }));
    expect([same.code, same.message]).toEqual(["invalid", "Resize requires a flavor change."]);
    const unknown = await rejection(act(s.uuid, "resize", { flavorRef: "nope" }));
    expect([unknown.code, unknown.message]).toEqual([
      "invalid",
      "Unable to locate requested flavor.",
    ]);
    await h.setQuota("cores", 2);
    try {
      const quota = await rejection(act(s.uuid, "resize", { flavorRef: "4" }));
      expect(quota.code).toBe("over_quota");
      expect(quota.message).toMatch(
        /^Quota exceeded for cores: Requested 3, but already used \d+ of 2 cores$/,
      );
    } finally {
      await h.db.quota.deleteMany();
    }
    await h.db.computeNode.updateMany({ data: { memoryMb: 4096 } });
    try {
      const full = await rejection(act(s.uuid, "resize", { flavorRef: "4" }));
      expect([full.code, full.message]).toEqual([
        "no_valid_host",
        "No valid host was found. Host host-a has no room for flavor m1.large.",
      ]);
    } finally {
      await h.db.computeNode.updateMany({ data: { memoryMb: 8192 } });
    }
    expect((await get(s.uuid)).taskState).toBeNull();
  });

  it("locks and unlocks, with a reason, and only an admin lifts an admin's lock", async () => {
    const s = await newServer();
    const locked = await act(s.uuid, "lock", { lockedReason: "keep it" });
    expect(locked).toMatchObject({ locked: true, lockedReason: "keep it" });
    const err = await rejection(act(s.uuid, "stop"));
    expect([err.code, err.message]).toEqual(["conflict", `Instance ${s.uuid} is locked`]);
    expect((await act(s.uuid, "unlock")).locked).toBe(false);

    await act(s.uuid, "lock", {}, adminCtx(OTHER_PROJECT));
    const refused = await rejection(act(s.uuid, "unlock"));
    expect(refused.code).toBe("forbidden");
    expect((await act(s.uuid, "unlock", {}, adminCtx(OTHER_PROJECT))).locked).toBe(false);
    const { actions } = await h.bus.call(
      listInstanceActions,
      { uuid: s.uuid, projectId: PROJECT },
      { ctx: userCtx() },
    );
    expect(actions.slice(0, 4).map((a) => [a.action, a.message])).toEqual([
      ["unlock", null],
      ["lock", null],
      ["unlock", null],
      ["lock", null],
    ]);
  });

  it("resets the state for an admin only", async () => {
    const s = await newServer();
    expect((await rejection(act(s.uuid, "reset-state", { resetTo: "error" }))).code).toBe(
      "forbidden",
    );
    expect(await act(s.uuid, "reset-state", { resetTo: "error" }, adminCtx())).toMatchObject({
      vmState: "error",
      taskState: null,
    });
    expect(await act(s.uuid, "reset-state", { resetTo: "active" }, adminCtx())).toMatchObject({
      vmState: "active",
    });
    expect(h.computes.get("host-a")!.received).toEqual([
      { message: "build_and_run_instance", uuid: s.uuid, attempt: 1 },
    ]);
  });

  it("deletes through the host: deleting, then gone (404), its resources back", async () => {
    const before = await usage();
    const s = await newServer();
    h.computes.get("host-a")!.auto = false;
    const during = await act(s.uuid, "delete");
    expect(during.taskState).toBe("deleting");
    expect((await get(s.uuid)).taskState).toBe("deleting");
    h.computes.get("host-a")!.auto = true;
    await h.computes.get("host-a")!.release();
    const err = await rejection(get(s.uuid));
    expect([err.code, err.message]).toEqual([
      "not_found",
      `Instance ${s.uuid} could not be found.`,
    ]);
    expect(await usage()).toEqual(before);
    expect(await h.db.allocation.count({ where: { instanceUuid: s.uuid } })).toBe(0);
    const row = await h.db.instance.findUniqueOrThrow({ where: { uuid: s.uuid } });
    expect([row.deleted === row.id, row.vmState, row.taskState]).toEqual([true, "deleted", null]);
    expect(row.deletedAt).not.toBeNull();
    // Its actions stay readable.
    const { actions } = await h.bus.call(
      listInstanceActions,
      { uuid: s.uuid, projectId: PROJECT },
      { ctx: userCtx() },
    );
    expect(actions[0]).toMatchObject({ action: "delete" });
    expect(actions[0]!.finishTime).not.toBeNull();
  });

  it("deletes locally a server whose host is down, and one that never got a host", async () => {
    const before = await usage();
    const s = await newServer();
    h.advance(120_000); // host-a's last heartbeat is now older than the 60 s down time
    try {
      const deleted = await act(s.uuid, "delete");
      expect(deleted).toMatchObject({ vmState: "deleted" });
      expect(
        h.computes.get("host-a")!.received.filter((r) => r.message === "terminate_instance"),
      ).toHaveLength(0);
      expect(await usage()).toEqual(before);
      const busy = await rejection(
        h.bus.call(consoleOutput, { uuid: s.uuid, projectId: PROJECT }, { ctx: userCtx() }),
      );
      expect(busy.code).toBe("not_found");
    } finally {
      h.advance(-120_000);
    }
    await h.db.computeNode.updateMany({ data: { memoryMb: 256 } });
    try {
      const { servers } = await h.bus.call(
        createServers,
        {
          name: "nohost",
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
      expect((await get(servers[0]!.uuid)).vmState).toBe("error");
      expect(await act(servers[0]!.uuid, "delete")).toMatchObject({ vmState: "deleted" });
    } finally {
      await h.db.computeNode.updateMany({ data: { memoryMb: 8192 } });
    }
  });

  it("reads the console from the host, and says when the host is down", async () => {
    const s = await newServer();
    const { output } = await h.bus.call(
      consoleOutput,
      { uuid: s.uuid, projectId: PROJECT },
      { ctx: userCtx() },
    );
    expect(output).toBe(`console of ${s.uuid} on host-a\n`);
    h.advance(120_000);
    try {
      const err = await rejection(
        h.bus.call(consoleOutput, { uuid: s.uuid, projectId: PROJECT }, { ctx: userCtx() }),
      );
      expect([err.code, err.message]).toEqual([
        "conflict",
        "Compute service of host-a is unavailable at this time.",
      ]);
    } finally {
      h.advance(-120_000);
      await h.bus.call(
        serviceReport,
        { host: "host-a", binary: "nova-compute", version: "1", node: inventory("host-a") },
        { ctx: adminCtx() },
      );
    }
  });

  it("renames, and keeps other projects' servers out of sight", async () => {
    const s = await newServer();
    const renamed = await h.bus.call(
      updateServer,
      { uuid: s.uuid, projectId: PROJECT, changes: { name: "db", description: "the database" } },
      { ctx: userCtx() },
    );
    expect(renamed).toMatchObject({ name: "db", description: "the database" });
    const hidden = await rejection(
      h.bus.call(
        serverAction,
        { uuid: s.uuid, projectId: OTHER_PROJECT, action: "stop" },
        { ctx: userCtx(OTHER_PROJECT) },
      ),
    );
    expect(hidden.code).toBe("not_found");
    const notUuid = await rejection(
      h.bus.call(getServer, { uuid: "db", projectId: PROJECT }, { ctx: userCtx() }),
    );
    expect([notUuid.code, notUuid.message]).toEqual([
      "not_found",
      "Instance db could not be found.",
    ]);
  });
});
