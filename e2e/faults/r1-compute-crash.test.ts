// R1: kill -9 a compute process while 20 builds are in flight, then restart it. No instance stays
// in BUILD: with another host, the builds the crash cut are rescheduled there and every server
// ends ACTIVE; with none, they end in ERROR with a fault saying no host was left (the conductor
// README: a restarted compute turns the builds it had in hand into build failures, and a failure
// is retried on another host only) and the builds it had not yet been given complete.
import { afterEach, expect } from "vitest";
import type { ApiClient } from "../stack/client";
import { createAction } from "../stack/servers";
import { startStack, type Stack } from "../stack/stack";
import { auditCounts, auditServers, postServer, projectClients, type Audit } from "./audit";
import { faultTest, type FaultReport } from "./report";

const BUILDS = 20;
let stack: Stack | undefined;

afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

async function cloud(name: string, hosts: string[], report: FaultReport): Promise<Stack> {
  const s = await startStack({
    name,
    // Overcommit the test hypervisor's 3 GiB so all 20 m1.tiny fit on either host alone.
    computes: hosts.map((host) => ({ host, env: { NIMBUS_RAM_ALLOCATION_RATIO: "16" } })),
  });
  stack = s;
  report.onFailure(async () => console.log(await s.logTail(40)));
  return s;
}

/**
 * 20 creates at once (two projects, the default quota is 10); kill -9 `victim` as soon as it
 * reports its first build spawning; restart it once every create has answered.
 */
async function crashDuringBuilds(s: Stack, victim: string, report: FaultReport) {
  const clients: ApiClient[] = await projectClients(s, "r1", 2);
  const creating = Promise.all(
    Array.from({ length: BUILDS }, (_, i) => postServer(s, clients[i % 2]!, `r1-${i}`)),
  );
  const firstSpawning = await s.events.until(
    () =>
      s.events
        .servers()
        .find((id) =>
          s.events.updates(id).some((i) => i.host === victim && i.taskState === "spawning"),
        ),
    60_000,
  );
  await s.process(`compute:${victim}`).kill("SIGKILL");
  const replies = await creating;
  expect(replies.map((r) => r.status)).toEqual(Array(BUILDS).fill(202));
  const ids = replies.map((r) => r.body.server.id as string);
  report.step(
    `${BUILDS} concurrent creates from 2 projects; kill -9 compute:${victim} when it reported its first build spawning (${firstSpawning}); restarted it`,
  );
  await s.process(`compute:${victim}`).start();
  return ids;
}

/** Servers whose create action shows a build on `host` that did not succeed: the crash cut them. */
async function cutBuilds(s: Stack, ids: string[], host: string): Promise<string[]> {
  const cut: string[] = [];
  for (const id of ids) {
    const events = (await createAction(s, id)).events;
    if (
      events.some(
        (e) =>
          e.event === "compute_build_and_run_instance" && e.host === host && e.result !== "Success",
      )
    ) {
      cut.push(id);
    }
  }
  return cut;
}

function expectAccounted(a: Audit, report: FaultReport) {
  for (const [k, v] of Object.entries(auditCounts(a))) report.count(k, v);
  expect(a.lost, "lost").toEqual([]);
  expect(a.extra, "listed but never accepted").toEqual([]);
  expect(a.stuck, "not settled").toEqual([]);
  expect(a.builtWrong, "built other than once").toEqual([]);
  expect(a.unexplained, "ERROR without a fault").toEqual([]);
  expect(a.usageMismatch, "hosts whose usage differs from their servers'").toEqual([]);
  report.check(
    "no server left in BUILD or mid-task; none lost, none extra, each ACTIVE one built exactly once",
  );
  report.check("each host's claimed RAM/vCPU/disk equals the sum of its servers' flavors");
}

faultTest(
  "R1-two-hosts",
  "kill -9 a compute during 20 concurrent builds, another host has room",
  180_000,
  async (report) => {
    const s = await cloud("r1-two-hosts", ["node1", "node2"], report);
    report.count("requests sent", BUILDS);
    const ids = await crashDuringBuilds(s, "node1", report);
    report.count("accepted", ids.length);

    const a = await auditServers(s, ids, ["node1", "node2"]);
    expectAccounted(a, report);
    const cut = await cutBuilds(s, ids, "node1");
    report.count("builds cut by the kill", cut.length);
    expect(cut.length, "builds in flight on node1 at the kill").toBeGreaterThan(0);
    // Somewhere fits, so nothing may fail: every build, cut ones included, ends ACTIVE.
    expect(a.error.map((x) => `${x.id}: ${x.fault?.message}`)).toEqual([]);
    for (const x of a.active) expect(["node1", "node2"]).toContain(x["OS-EXT-SRV-ATTR:host"]);
    const cutHosts = a.servers
      .filter((x) => cut.includes(x.id))
      .map((x) => x["OS-EXT-SRV-ATTR:host"]);
    // A failed build never returns to the host it failed on.
    expect(cutHosts.every((h) => h === "node2")).toBe(true);
    report.count("cut builds rescheduled to node2", cutHosts.length);
    report.check(
      `all ${BUILDS} ACTIVE; the ${cut.length} builds the kill cut were rescheduled and built on node2`,
    );
  },
);

faultTest(
  "R1-one-host",
  "kill -9 the only compute during 20 concurrent builds",
  180_000,
  async (report) => {
    const s = await cloud("r1-one-host", ["node1"], report);
    report.count("requests sent", BUILDS);
    const ids = await crashDuringBuilds(s, "node1", report);
    report.count("accepted", ids.length);

    const a = await auditServers(s, ids, ["node1"]);
    expectAccounted(a, report);
    const cut = await cutBuilds(s, ids, "node1");
    report.count("builds cut by the kill", cut.length);
    expect(cut.length, "builds in flight on node1 at the kill").toBeGreaterThan(0);
    // No other host. A build the compute had in hand (cut mid-spawn, or queued for it) when it
    // restarted is a build failure, and a failure is never retried on the host it failed on: it
    // ends in ERROR with Nova's "No valid host" fault. Builds placed after the restart complete.
    for (const x of a.error) expect(x.fault?.message, x.id).toMatch(/^No valid host was found\./);
    for (const x of a.active) expect(x["OS-EXT-SRV-ATTR:host"]).toBe("node1");
    const errors = new Set(a.error.map((x) => x.id));
    expect(
      cut.filter((id) => !errors.has(id)),
      "cut builds not in ERROR",
    ).toEqual([]);
    report.check(
      `every cut build, and every build queued for node1 when it came back (${a.error.length - cut.length}), ended in ERROR with a fault such as "${a.error[0]?.fault?.message}"; the other ${a.active.length} are ACTIVE on node1`,
    );
  },
);
