// Placement across two compute processes with different host names: the weighers spread, a disabled
// host gets nothing, anti-affinity separates group members, a build that fails on one host is
// rescheduled to the other, and with no fitting host the fault names the filters that said no.
import { afterAll, beforeAll, describe, expect, onTestFailed, test } from "vitest";
import type { ApiClient } from "../stack/client";
import {
  FLAVORS,
  allServers,
  computeServiceId,
  createAction,
  createServer,
  createServerGroup,
  deleteAll,
  expectedUsage,
  hostUsage,
  isActive,
} from "../stack/servers";
import { startStack, type ServerView, type Stack } from "../stack/stack";

interface Explanation {
  hostsConsidered: number;
  filters: Array<{
    name: string;
    before: number;
    after: number;
    removed: Array<{ host: string; reason: string }>;
  }>;
  weighed: Array<{ host: string; weight: number; weights: Record<string, number> }>;
}

/** The scheduler's explanation, kept on the create action's conductor event (API ≥ 2.84). */
async function explanation(stack: Stack, id: string): Promise<Explanation> {
  const action = await createAction(stack, id);
  const event = action.events.find((e) => e.event === "conductor_schedule_and_build_instances");
  expect(event?.details, JSON.stringify(action)).toEqual(expect.any(String));
  return JSON.parse(event!.details!) as Explanation;
}

const hostOf = (s: ServerView) => s["OS-EXT-SRV-ATTR:host"];

describe("two test hypervisors, node-a and node-b", () => {
  let stack: Stack;
  let alice: ApiClient;
  let admin: ApiClient;

  beforeAll(async () => {
    stack = await startStack({
      name: "spine-two-hosts",
      computes: [{ host: "node-a" }, { host: "node-b" }],
    });
    alice = await stack.compute({ user: "alice", project: "p1" });
    admin = await stack.compute();
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const logsOnFailure = () => onTestFailed(async () => console.log(await stack.logTail(30)));

  /** Create one server as `api` and wait for it to settle. */
  async function boot(api: ApiClient, opts: Parameters<typeof createServer>[2] = {}) {
    const id = await createServer(stack, api, opts);
    return stack.waitForServer(
      id,
      (s) => s["OS-EXT-STS:task_state"] === null && s.status !== "BUILD",
    );
  }

  async function setDisabled(host: string, disabled: boolean) {
    const id = await computeServiceId(stack, host);
    const res = await admin.put(
      `/os-services/${id}`,
      disabled
        ? { status: "disabled", disabled_reason: "maintenance window" }
        : { status: "enabled" },
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.service).toMatchObject({ status: disabled ? "disabled" : "enabled", host });
  }

  test("the RAM weigher spreads servers created one after another over both hosts", async () => {
    logsOnFailure();
    const hosts: Array<string | null> = [];
    for (let i = 0; i < 4; i++) hosts.push(hostOf(await boot(alice)));
    // Equal free RAM goes to the first host by name; then the emptier one wins each time.
    expect(hosts).toEqual(["node-a", "node-b", "node-a", "node-b"]);

    const servers = await allServers(stack);
    const second = servers.find((s) => hostOf(s) === "node-b")!;
    const why = await explanation(stack, second.id);
    expect(why.weighed.map((w) => w.host)).toEqual(["node-b", "node-a"]);
    expect(why.weighed[0]!.weights.RAMWeigher).toBeGreaterThan(why.weighed[1]!.weights.RAMWeigher!);

    const usage = await hostUsage(stack);
    for (const host of ["node-a", "node-b"]) {
      expect(usage.get(host)).toEqual({ ...expectedUsage(servers, host), runningVms: 2 });
    }
    await deleteAll(stack);
  });

  test("a disabled host gets nothing, and gets servers again once enabled", async () => {
    logsOnFailure();
    await setDisabled("node-b", true);
    const listed = await admin.get("/os-services?binary=nova-compute&host=node-b");
    expect(listed.body.services[0]).toMatchObject({
      status: "disabled",
      disabled_reason: "maintenance window",
      state: "up",
    });

    const ids = await Promise.all([1, 2, 3].map(() => createServer(stack, alice)));
    const servers = await Promise.all(ids.map((id) => stack.waitForServer(id, isActive)));
    expect(servers.map(hostOf)).toEqual(["node-a", "node-a", "node-a"]);
    const compute = (await explanation(stack, ids[0]!)).filters.find(
      (f) => f.name === "ComputeFilter",
    )!;
    expect(compute).toMatchObject({
      before: 2,
      after: 1,
      removed: [{ host: "node-b", reason: expect.stringMatching(/disabled/) }],
    });

    await setDisabled("node-b", false);
    expect(hostOf(await boot(alice))).toBe("node-b");
    await deleteAll(stack);
  });

  test("anti-affinity places group members on different hosts, even against the weighers", async () => {
    logsOnFailure();
    // Load node-b first (an admin may force a host), so the RAM weigher prefers node-a every time.
    for (let i = 0; i < 2; i++) {
      const id = await createServer(stack, admin, { zone: "nova:node-b" });
      expect(hostOf(await stack.waitForServer(id, isActive))).toBe("node-b");
    }
    const group = await createServerGroup(alice, "anti-affinity");

    const first = await boot(alice, { group });
    expect(hostOf(first)).toBe("node-a");
    const second = await boot(alice, { group });
    expect(second.status).toBe("ACTIVE");
    expect(hostOf(second)).toBe("node-b");
    const why = await explanation(stack, second.id);
    expect(why.filters.find((f) => f.name === "ServerGroupAntiAffinityFilter")).toMatchObject({
      before: 2,
      after: 1,
      removed: [{ host: "node-a" }],
    });

    // A third member has nowhere to go.
    const third = await boot(alice, { group });
    expect(third.status).toBe("ERROR");
    expect(hostOf(third)).toBeNull();
    expect(third.fault?.message).toMatch(
      /^No valid host was found\. .*ServerGroupAntiAffinityFilter removed 2 hosts/,
    );
    await deleteAll(stack);
  });

  test("with no fitting host the server goes to ERROR with a fault naming the filters that removed the hosts", async () => {
    logsOnFailure();
    await setDisabled("node-b", true);
    const id = await createServer(stack, alice, { flavorRef: FLAVORS.xlarge.id });
    const server = await stack.waitForServer(id, (s) => s.status === "ERROR");
    expect(server["OS-EXT-STS:task_state"]).toBeNull();
    expect(hostOf(server)).toBeNull();
    // The owner sees why (Nova shows the fault's message to the owner; details to admins).
    const seen = await alice.get(`/servers/${id}`);
    expect(seen.body.server.fault.message).toBe(
      "No valid host was found. ComputeFilter removed 1 host (compute service down or disabled); RamFilter removed 1 host (not enough free RAM).",
    );
    const why = await explanation(stack, id);
    expect(why.filters.find((f) => f.name === "RamFilter")?.removed).toEqual([
      { host: "node-a", reason: expect.stringContaining(`needs ${FLAVORS.xlarge.ram} MB of RAM`) },
    ]);
    // Nothing was claimed anywhere.
    const usage = await hostUsage(stack);
    expect(usage.get("node-a")).toMatchObject({ memoryMb: 0, vcpus: 0 });
    expect(usage.get("node-b")).toMatchObject({ memoryMb: 0, vcpus: 0 });
    await setDisabled("node-b", false);
    await deleteAll(stack);
  });
});

describe("a host whose builds fail: node-q cannot reach the image API, node-t is fine", () => {
  let stack: Stack;
  let alice: ApiClient;

  beforeAll(async () => {
    stack = await startStack({
      name: "spine-reschedule",
      computes: [
        {
          host: "node-q",
          libvirtUri: "qemu:///system",
          // Nothing listens on the discard port: every image download fails (retryable).
          env: {
            NIMBUS_IMAGE_API_URL: "http://127.0.0.1:9/image",
            NIMBUS_RAM_ALLOCATION_RATIO: "16",
          },
        },
        { host: "node-t" },
      ],
      // Weigh by RAM alone, where node-q (real memory × 16) beats the test hypervisor's 3 GiB:
      // the first attempt always goes to the broken host.
      envFor: {
        scheduler: {
          NIMBUS_SCHEDULER_CPU_WEIGHT_MULTIPLIER: "0",
          NIMBUS_SCHEDULER_DISK_WEIGHT_MULTIPLIER: "0",
        },
      },
    });
    alice = await stack.compute({ user: "alice", project: "p1" });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  test("a build that fails on one host is rescheduled to the other", async () => {
    onTestFailed(async () => console.log(await stack.logTail(30)));
    const id = await createServer(stack, alice);
    const server = await stack.waitForServer(id, (s) => s.status !== "BUILD", 60_000);
    expect(server.status).toBe("ACTIVE");
    expect(hostOf(server)).toBe("node-t");
    expect(server.fault).toBeUndefined();

    // The create action shows both attempts: node-q's failure, then node-t's success.
    const action = await createAction(stack, id);
    const builds = action.events.filter((e) => e.event === "compute_build_and_run_instance");
    expect(builds.map((e) => [e.host, e.result])).toEqual([
      ["node-q", "Error"],
      ["node-t", "Success"],
    ]);
    expect(builds[0]!.traceback).toMatch(/image API unreachable/);
    // node-q's claim was given back.
    const usage = await hostUsage(stack);
    expect(usage.get("node-q")).toMatchObject({ memoryMb: 0, vcpus: 0, diskGb: 0 });
    expect(usage.get("node-t")).toMatchObject({ memoryMb: FLAVORS.tiny.ram, vcpus: 1, diskGb: 1 });
  });

  test("a build that fails on every host it may use ends in ERROR with a fault that says why", async () => {
    onTestFailed(async () => console.log(await stack.logTail(30)));
    const admin = await stack.compute();
    const service = (await admin.get("/os-services?binary=nova-compute&host=node-t")).body
      .services[0];
    expect((await admin.put(`/os-services/${service.id}`, { status: "disabled" })).status).toBe(
      200,
    );
    try {
      const id = await createServer(stack, alice);
      const server = await stack.waitForServer(id, (s) => s.status !== "BUILD", 60_000);
      expect(server.status).toBe("ERROR");
      expect(hostOf(server)).toBeNull();
      // Why no host is left: node-q already failed this build, node-t is disabled, and why it
      // failed on node-q (the filters' reasons make room for that within the 255 characters) ...
      expect(server.fault?.message).toBe(
        "No valid host was found. IgnoreHosts removed 1 host; ComputeFilter removed 1 host; " +
          `the last attempt failed on node-q: image ${stack.imageId}: download failed: ` +
          "image API unreachable: fetch failed (bad port).",
      );
      // ... and in full on the attempt's event.
      const builds = (await createAction(stack, id)).events.filter(
        (e) => e.event === "compute_build_and_run_instance",
      );
      expect(builds.map((e) => [e.host, e.result])).toEqual([["node-q", "Error"]]);
      expect(builds[0]!.traceback).toMatch(/image API unreachable/);
      expect((await hostUsage(stack)).get("node-q")).toMatchObject({
        memoryMb: 0,
        vcpus: 0,
        diskGb: 0,
      });
    } finally {
      await admin.put(`/os-services/${service.id}`, { status: "enabled" });
    }
  });
});
