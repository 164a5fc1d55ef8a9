// kill -9 in the middle of builds: of a compute process, then of the conductor. After the restart
// every build completes or ends in ERROR; nothing stays in BUILD, nothing is duplicated, and each
// host's usage is exactly what the servers placed on it use.
import { afterAll, beforeAll, describe, expect, onTestFailed, test } from "vitest";
import {
  allServers,
  createAction,
  createServer,
  deleteAll,
  expectedUsage,
  hostUsage,
  isSettled,
} from "../stack/servers";
import { startStack, type ServerView, type Stack } from "../stack/stack";

const HOSTS = ["node1", "node2"];
const PER_PROJECT = 10; // the default instances quota
const PROJECTS = 3;

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({
    name: "spine-crashes",
    // Overcommit the test hypervisor's 3 GiB so thirty m1.tiny fit on either host alone.
    computes: HOSTS.map((host) => ({ host, env: { NIMBUS_RAM_ALLOCATION_RATIO: "16" } })),
  });
});

afterAll(async () => {
  await stack?.stop();
});

/** Thirty creates at once from three projects; resolves with the ids of the 202s. */
async function createMany(): Promise<string[]> {
  const clients = await Promise.all(
    Array.from({ length: PROJECTS }, (_, p) =>
      stack.compute({ user: `user${p}`, project: `crash${p}` }),
    ),
  );
  return Promise.all(
    Array.from({ length: PROJECTS * PER_PROJECT }, (_, i) =>
      createServer(stack, clients[i % PROJECTS]!),
    ),
  );
}

/** Every build settled, none lost or duplicated, every claim matching a placement. */
async function expectNothingStuckOrDuplicated(ids: string[]) {
  const settled = await Promise.all(ids.map((id) => stack.waitForServer(id, isSettled, 120_000)));
  const servers = await allServers(stack);
  expect(servers.map((s) => s.id).sort()).toEqual([...ids].sort());
  expect(servers.filter((s) => s.status === "BUILD")).toEqual([]);

  for (const s of settled) {
    if (s.status === "ACTIVE") {
      expect(HOSTS).toContain(s["OS-EXT-SRV-ATTR:host"]);
    } else {
      // A build that gave up says why.
      expect(s.fault?.message, s.id).toEqual(expect.any(String));
    }
  }
  // Each server was created once and built once: one create action, at most one successful
  // build (exactly one for an ACTIVE server), whatever was redelivered.
  for (const s of settled) {
    const builds = (await createAction(stack, s.id)).events.filter(
      (e) => e.event === "compute_build_and_run_instance" && e.result === "Success",
    );
    expect(builds, s.id).toHaveLength(s.status === "ACTIVE" ? 1 : 0);
  }

  const usage = await hostUsage(stack);
  for (const host of HOSTS) {
    expect(usage.get(host), host).toMatchObject(expectedUsage(servers, host));
  }
  return settled;
}

/** The servers the cloud last said were building. */
const building = () =>
  stack.events.servers().filter((id) => stack.events.updates(id).at(-1)?.vmState === "building");

const count = (servers: ServerView[], status: string) =>
  servers.filter((s) => s.status === status).length;

describe("kill -9 mid-build", () => {
  test("of a compute process: after its restart no instance stays in BUILD", async () => {
    onTestFailed(async () => console.log(await stack.logTail(40)));
    const compute = stack.process("compute:node1");
    const creating = createMany();

    // The first build node1 starts spawning is the moment to pull the plug.
    const spawning = await stack.events.until(() =>
      stack.events
        .servers()
        .find((uuid) =>
          stack.events.updates(uuid).some((i) => i.host === "node1" && i.taskState === "spawning"),
        ),
    );
    const unfinished = building();
    await compute.kill("SIGKILL");
    expect(unfinished).toContain(spawning);
    const ids = await creating;

    await compute.start();
    const settled = await expectNothingStuckOrDuplicated(ids);
    console.log(
      `compute kill: ${unfinished.length} unfinished at the kill; ${count(settled, "ACTIVE")} ACTIVE, ${count(settled, "ERROR")} ERROR`,
    );
    await deleteAll(stack);
  });

  test("of the conductor right after the 202s: after its restart every build completes or ends in ERROR", async () => {
    onTestFailed(async () => console.log(await stack.logTail(40)));
    const conductor = stack.process("conductor");
    const ids = await createMany();
    const unfinished = building();
    await conductor.kill("SIGKILL");
    expect(unfinished.length).toBeGreaterThan(0);

    await conductor.start();
    const settled = await expectNothingStuckOrDuplicated(ids);
    console.log(
      `conductor kill: ${unfinished.length} unfinished at the kill; ${count(settled, "ACTIVE")} ACTIVE, ${count(settled, "ERROR")} ERROR`,
    );
    await deleteAll(stack);
  });
});
