// R3: kill -9 the conductor in the middle of a burst of creates and restart it; then the same with
// the scheduler. Every create answers (the web's calls wait in their queue for the restarted
// process), no instance exists twice or without its 202, nothing stays in BUILD, and every host's
// usage is what its servers use.
import type { ApiResponse } from "../stack/client";
import { afterAll, expect } from "vitest";
import { startStack, type Stack } from "../stack/stack";
import { auditCounts, auditServers, postServer, projectClients } from "./audit";
import { faultTest, type FaultReport } from "./report";

const HOSTS = ["node1", "node2"];
const PROJECTS = 4; // 10 servers each (the default quota)
const BURST = PROJECTS * 10;
/** The victim dies once this many creates of the burst have answered. */
const KILL_AFTER = 10;
let stack: Stack | undefined;

afterAll(async () => {
  await stack?.stop();
});

/** Fire BURST creates at once; kill -9 `victim` after KILL_AFTER answers, restart it at once. */
async function burstWithCrash(s: Stack, victim: "conductor" | "scheduler", report: FaultReport) {
  const clients = await projectClients(s, `r3-${victim}`, PROJECTS);
  let answered = 0;
  let enoughAnswered!: () => void;
  const enough = new Promise<void>((resolve) => (enoughAnswered = resolve));
  const started = Date.now();
  const burst = Promise.all(
    Array.from({ length: BURST }, (_, i) =>
      postServer(s, clients[i % PROJECTS]!, `r3-${victim}-${i}`).then((r: ApiResponse) => {
        if (++answered === KILL_AFTER) enoughAnswered();
        return r;
      }),
    ),
  );
  await enough;
  const building = s.events
    .servers()
    .filter((id) => s.events.updates(id).at(-1)?.vmState === "building").length;
  await s.process(victim).kill("SIGKILL");
  const killedAt = Date.now();
  await s.process(victim).start();
  report.time(`${victim} down (kill -9 to ready again)`, Date.now() - killedAt);
  const replies = await burst;
  report.time(`${victim} burst answered`, Date.now() - started);
  report.step(
    `${BURST} creates at once from ${PROJECTS} projects; kill -9 the ${victim} after ${KILL_AFTER} had answered (${building} servers building at that moment); restarted it`,
  );
  report.count(`${victim} phase: requests sent`, BURST);
  report.count(`${victim} phase: accepted`, replies.filter((r) => r.status === 202).length);
  expect(
    replies.filter((r) => r.status !== 202).map((r) => [r.status, r.body]),
    "creates that did not answer 202",
  ).toEqual([]);
  return replies.map((r) => r.body.server.id as string);
}

faultTest(
  "R3",
  "kill -9 the conductor, then the scheduler, under a burst of creates",
  240_000,
  async (report) => {
    const s = await startStack({
      name: "r3-control-crash",
      computes: HOSTS.map((host) => ({ host, env: { NIMBUS_RAM_ALLOCATION_RATIO: "16" } })),
    });
    stack = s;
    report.onFailure(async () => console.log(await s.logTail(40)));

    const accepted: string[] = [];
    for (const victim of ["conductor", "scheduler"] as const) {
      accepted.push(...(await burstWithCrash(s, victim, report)));
      const a = await auditServers(s, accepted, HOSTS);
      for (const [k, v] of Object.entries(auditCounts(a))) report.count(`after ${victim}: ${k}`, v);
      expect(a.lost, "lost").toEqual([]);
      expect(a.extra, "servers nobody got a 202 for").toEqual([]);
      expect(a.builtWrong, "built other than once").toEqual([]);
      expect(a.stuck, "not settled").toEqual([]);
      expect(a.unexplained, "ERROR without a fault").toEqual([]);
      expect(a.usageMismatch, "hosts whose usage differs from their servers'").toEqual([]);
      // Both hosts stay up, so no build has a reason to fail.
      expect(a.error.map((x) => `${x.id}: ${x.fault?.message}`)).toEqual([]);
      report.check(
        `after the ${victim}'s crash: server count = 202 count (${accepted.length}), all ACTIVE, each built once, none stuck, usage per host = its servers'`,
      );
    }
  },
);
