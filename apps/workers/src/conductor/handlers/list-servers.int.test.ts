import { randomUUID } from "node:crypto";
import { createServers, getServer, isRpcError, listServers, type Instance } from "@nimbus/rpc";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, OTHER_PROJECT, PROJECT, USER, userCtx, type Harness } from "../testing";

let h: Harness;
const N = 1200;
const base = Date.UTC(2026, 0, 1);

beforeAll(async () => {
  h = await createHarness();
  const flavor = {
    id: "1",
    name: "m1.tiny",
    memoryMb: 512,
    vcpus: 1,
    rootGb: 1,
    ephemeralGb: 0,
    swap: 0,
    extraSpecs: {},
  };
  const states = [
    ["active", null],
    ["stopped", null],
    ["active", "rebooting"],
    ["error", null],
    ["building", "scheduling"],
    ["active", "resize_prep"],
  ] as const;
  // Several servers share each created_at, so the id must break ties for pagination to work.
  await h.db.instance.createMany({
    data: Array.from({ length: N }, (_, i) => {
      const [vmState, taskState] = states[i % states.length]!;
      const at = new Date(base + Math.floor(i / 3) * 1000);
      return {
        uuid: randomUUID(),
        projectId: i % 10 === 9 ? OTHER_PROJECT : PROJECT,
        userId: USER,
        displayName: i % 7 === 0 ? `db-${i}` : `web-${i}`,
        hostname: `h${i}`,
        flavor,
        memoryMb: 512,
        vcpus: 1 + (i % 4),
        rootGb: 1,
        ephemeralGb: 0,
        vmState,
        taskState,
        host: i % 3 === 0 ? null : `host-${i % 3}`,
        metadata: {},
        reservationId: `r-${i % 5}`,
        locked: i % 11 === 0,
        createdAt: at,
        updatedAt: new Date(at.getTime() + (i % 13) * 1000),
        deleted: 0,
      };
    }),
  });
  await h.db
    .$executeRaw`UPDATE instances SET deleted = id, deleted_at = updated_at, vm_state = 'deleted' WHERE display_name LIKE 'web-1%' AND MOD(id, 2) = 0`;
}, 60_000);
afterAll(() => h?.close());

type Request = Parameters<typeof h.bus.call<typeof listServers>>[1];
const list = (over: Partial<Request> = {}) =>
  h.bus.call(
    listServers,
    { projectId: PROJECT, filters: { deleted: false }, sort: [], ...over },
    { ctx: userCtx() },
  );

/** Every page, following markers, until a short page. */
async function all(over: Partial<Request>, limit: number): Promise<Instance[]> {
  const out: Instance[] = [];
  for (let marker: string | undefined; ;) {
    const { servers } = await list({ ...over, limit, marker });
    out.push(...servers);
    if (servers.length < limit) return out;
    marker = servers.at(-1)!.uuid;
  }
}

async function rows(where: string) {
  return h.db.$queryRawUnsafe<{ uuid: string }[]>(`SELECT uuid FROM instances WHERE ${where}`);
}

describe("list_servers", () => {
  it("pages through every live server of the project, newest first, none twice or missed", async () => {
    const paged = await all({}, 97);
    const expected = await rows(`project_id = '${PROJECT}' AND deleted = 0`);
    expect(paged).toHaveLength(expected.length);
    expect(new Set(paged.map((s) => s.uuid))).toEqual(new Set(expected.map((r) => r.uuid)));
    const created = paged.map((s) => s.createdAt);
    expect(created).toEqual([...created].sort().reverse());
  });

  it("pages the same way on several sort keys in mixed directions, nullable ones included", async () => {
    const sort: Request["sort"] = [
      { key: "host", dir: "asc" },
      { key: "vcpus", dir: "desc" },
      { key: "display_name", dir: "asc" },
    ];
    const paged = await all({ sort }, 50);
    const single = (await list({ sort, limit: 1000 })).servers;
    expect(paged.map((s) => s.uuid).slice(0, 1000)).toEqual(single.map((s) => s.uuid));
    const key = (s: Instance) => [s.host ?? "", s.flavor.vcpus];
    for (let i = 1; i < single.length; i++) {
      const [ha, va] = key(single[i - 1]!);
      const [hb, vb] = key(single[i]!);
      expect(ha! <= hb! && (ha !== hb || va! >= vb!)).toBe(true);
    }
    expect(single[0]!.host).toBeNull(); // nulls first in ascending order
  });

  it("filters by status, name (a regular expression), host, reservation, lock and changes-since", async () => {
    const active = await all({ filters: { deleted: false, status: ["ACTIVE"] } }, 1000);
    expect(active.length).toBeGreaterThan(0);
    // ACTIVE is active without a task that maps elsewhere (rebooting is REBOOT, resize_prep RESIZE).
    expect(active.every((s) => s.vmState === "active" && s.taskState === null)).toBe(true);
    const reboot = await all({ filters: { deleted: false, status: ["REBOOT", "SHUTOFF"] } }, 1000);
    expect(new Set(reboot.map((s) => `${s.vmState}/${s.taskState}`))).toEqual(
      new Set(["active/rebooting", "stopped/null"]),
    );
    expect((await list({ filters: { deleted: false, status: ["NOPE"] } })).servers).toEqual([]);

    const dbs = await all({ filters: { deleted: false, name: "^db-[0-9]+$" } }, 1000);
    expect(dbs.length).toBe(
      (await rows(`project_id = '${PROJECT}' AND deleted = 0 AND display_name LIKE 'db-%'`)).length,
    );
    const bad = await list({ filters: { deleted: false, name: "((" } }).catch((e: unknown) => e);
    expect(isRpcError(bad, "invalid")).toBe(true);

    const onHost = await all(
      { filters: { deleted: false, host: "host-1", reservationId: "r-2", locked: false } },
      1000,
    );
    expect(onHost.length).toBeGreaterThan(0);
    expect(onHost.every((s) => s.host === "host-1" && s.reservationId === "r-2" && !s.locked)).toBe(
      true,
    );

    const since = new Date(base + 350_000).toISOString();
    const changed = await all({ filters: { changesSince: since } }, 1000);
    expect(changed.every((s) => s.updatedAt >= since)).toBe(true);
    // changes-since without `deleted` shows deleted servers too, as in Nova.
    expect(changed.some((s) => s.vmState === "deleted")).toBe(true);
    const onlyDeleted = await all({ filters: { deleted: true } }, 1000);
    expect(onlyDeleted.length).toBeGreaterThan(0);
    expect(onlyDeleted.every((s) => s.deletedAt !== null)).toBe(true);
  });

  it("refuses a marker that names no server it could list", async () => {
    const err = await list({ marker: "00000000-0000-4000-8000-000000000000" }).catch(
      (e: unknown) => e,
    );
    expect(isRpcError(err, "invalid")).toBe(true);
    expect((err as Error).message).toBe("marker [00000000-0000-4000-8000-000000000000] not found");
    const other = await h.db.instance.findFirstOrThrow({ where: { projectId: OTHER_PROJECT } });
    expect(isRpcError(await list({ marker: other.uuid }).catch((e: unknown) => e), "invalid")).toBe(
      true,
    );
  });

  it("lists every project for an admin, and stays fast with over a thousand servers", async () => {
    const everyone = await h.bus.call(
      listServers,
      { projectId: null, filters: {}, sort: [], limit: 1000 },
      { ctx: userCtx() },
    );
    expect(everyone.servers).toHaveLength(1000);
    expect(new Set(everyone.servers.map((s) => s.projectId))).toEqual(
      new Set([PROJECT, OTHER_PROJECT]),
    );
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      await h.bus.call(
        listServers,
        { projectId: null, filters: {}, sort: [], limit: 1000 },
        { ctx: userCtx() },
      );
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    console.log(`list_servers, 1000 of ${N} servers: median ${times[2]!.toFixed(1)} ms`);
    expect(times[2]).toBeLessThan(500);
  });

  it("shows a server as get_server does, with its request spec's zone, image properties and hints", async () => {
    // A project of its own, so that the pages above are untouched.
    const project = "5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a";
    const ctx = userCtx(project);
    await h.addHost("host-spec");
    const created = await h.bus.call(
      createServers,
      {
        name: "spec",
        imageRef: h.imageId,
        flavorRef: "1",
        minCount: 1,
        maxCount: 1,
        availabilityZone: "nova",
        forceHost: null,
        keyName: null,
        metadata: { role: "db" },
        userData: null,
        description: null,
        hostname: null,
        serverGroup: null,
        schedulerHints: { purpose: ["list", "test"] },
        accessIpV4: null,
        accessIpV6: null,
      },
      { ctx },
    );
    const uuid = created.servers[0]!.uuid;
    const shown = await h.bus.call(getServer, { uuid, projectId: project }, { ctx });
    expect(shown).toMatchObject({
      pinnedAvailabilityZone: "nova",
      imageProperties: { architecture: "x86_64", hypervisor_type: "qemu" },
      schedulerHints: { purpose: ["list", "test"] },
    });
    const { servers } = await h.bus.call(
      listServers,
      { projectId: project, filters: { deleted: false }, sort: [] },
      { ctx },
    );
    expect(servers).toEqual([shown]);
  });
});
