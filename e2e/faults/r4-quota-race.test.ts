// R4: 50 creates fired at once against instances = 10 — exactly 10 accepted, 40 refused with
// Nova's 403 in Nova's words, and the 10 are real servers that build. (e2e/api/quota-race.test.ts
// covers cores, RAM, multi-creates and resizes too; this is the fault suite's account of it.)
import { afterAll, expect } from "vitest";
import { startStack, type Stack } from "../stack/stack";
import { auditCounts, auditServers, postServer } from "./audit";
import { faultTest } from "./report";

const BURST = 50;
const LIMIT = 10;
let stack: Stack | undefined;

afterAll(async () => {
  await stack?.stop();
});

faultTest(
  "R4",
  `${BURST} parallel creates against instances = ${LIMIT}`,
  180_000,
  async (report) => {
    const s = await startStack({
      name: "r4-quota-race",
      computes: [
        { host: "node1", env: { NIMBUS_RAM_ALLOCATION_RATIO: "16" } },
        { host: "node2", env: { NIMBUS_RAM_ALLOCATION_RATIO: "16" } },
      ],
    });
    stack = s;
    report.onFailure(async () => console.log(await s.logTail(30)));

    const who = { user: "r4-user", project: "r4-race" };
    const { projectId } = await s.ids(who);
    const admin = await s.compute();
    const set = await admin.put(`/os-quota-sets/${projectId}`, {
      quota_set: { instances: LIMIT, cores: -1, ram: -1 },
    });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    const member = await s.compute(who);

    const replies = await Promise.all(
      Array.from({ length: BURST }, (_, i) => postServer(s, member, `r4-${i}`)),
    );
    report.step(
      `set the project's instances quota to ${LIMIT}, then sent ${BURST} creates of m1.tiny at once as its member`,
    );
    const accepted = replies.filter((r) => r.status === 202);
    const refused = replies.filter((r) => r.status === 403);
    report.count("requests sent", BURST);
    report.count("accepted", accepted.length);
    report.count("refused", refused.length);
    report.count("other answers", BURST - accepted.length - refused.length);

    expect(replies.filter((r) => r.status !== 202 && r.status !== 403)).toEqual([]);
    expect(accepted).toHaveLength(LIMIT);
    expect(refused).toHaveLength(BURST - LIMIT);
    const message = `Quota exceeded for instances: Requested 1, but already used ${LIMIT} of ${LIMIT} instances`;
    for (const r of refused) expect(r.body).toEqual({ forbidden: { code: 403, message } });
    report.check(
      `exactly ${LIMIT} answered 202 and ${BURST - LIMIT} answered 403 {"forbidden": {"code": 403, "message": "${message}"}}`,
    );

    const detail = await admin.get(`/os-quota-sets/${projectId}/detail`);
    expect(detail.status).toBe(200);
    expect(detail.body.quota_set.instances.in_use).toBe(LIMIT);
    report.count("quota in use", detail.body.quota_set.instances.in_use);

    const ids = accepted.map((r) => r.body.server.id as string);
    const a = await auditServers(s, ids, ["node1", "node2"], 60_000);
    for (const [k, v] of Object.entries(auditCounts(a))) report.count(k, v);
    expect(a.lost).toEqual([]);
    expect(a.extra).toEqual([]);
    expect(a.stuck).toEqual([]);
    expect(a.error).toEqual([]);
    expect(a.builtWrong).toEqual([]);
    expect(a.usageMismatch).toEqual([]);
    report.check(
      `the project uses ${LIMIT} instances; the cloud holds exactly the ${LIMIT} accepted servers, all ACTIVE, each built once`,
    );
  },
);
