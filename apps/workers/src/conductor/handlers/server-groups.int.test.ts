import {
  createServerGroup,
  createServers,
  deleteServerGroup,
  getServer,
  getServerGroup,
  listServerGroups,
  listUsage,
  serverAction,
} from "@nimbus/rpc";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  adminCtx,
  createHarness,
  OTHER_PROJECT,
  PROJECT,
  USER,
  userCtx,
  type Harness,
  refusal,
} from "../testing";

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
  await h.addHost("host-a");
  await h.addHost("host-b");
});
afterAll(() => h?.close());

const admin = { ctx: adminCtx() };

async function createServer(opts: { group?: string; projectId?: string; flavorRef?: string } = {}) {
  const { servers } = await h.bus.call(
    createServers,
    {
      name: "member",
      imageRef: h.imageId,
      flavorRef: opts.flavorRef ?? "1",
      minCount: 1,
      maxCount: 1,
      availabilityZone: null,
      forceHost: null,
      keyName: null,
      metadata: {},
      userData: null,
      description: null,
      hostname: null,
      serverGroup: opts.group ?? null,
      schedulerHints: opts.group ? { group: [opts.group] } : {},
      accessIpV4: null,
      accessIpV6: null,
    },
    { ctx: userCtx(opts.projectId) },
  );
  return servers[0]!.uuid;
}

describe("server groups", () => {
  it("creates groups owned by the caller, lists them by project with offset paging", async () => {
    const made = await h.bus.call(
      createServerGroup,
      { name: "spread", policy: "anti-affinity", rules: { max_server_per_host: 2 } },
      { ctx: userCtx() },
    );
    expect(made).toMatchObject({
      name: "spread",
      policy: "anti-affinity",
      rules: { max_server_per_host: 2 },
      projectId: PROJECT,
      userId: USER,
      members: [],
    });
    await h.bus.call(
      createServerGroup,
      { name: "pack", policy: "affinity", rules: {} },
      {
        ctx: userCtx(),
      },
    );
    await h.bus.call(
      createServerGroup,
      { name: "theirs", policy: "soft-affinity", rules: {} },
      {
        ctx: userCtx(OTHER_PROJECT),
      },
    );
    const names = async (projectId: string | null, limit = 1000, offset = 0) =>
      (await h.bus.call(listServerGroups, { projectId, limit, offset }, admin)).serverGroups.map(
        (g) => g.name,
      );
    expect(await names(PROJECT)).toEqual(["spread", "pack"]);
    expect(await names(OTHER_PROJECT)).toEqual(["theirs"]);
    expect(await names(null)).toEqual(["spread", "pack", "theirs"]);
    expect(await names(null, 1, 1)).toEqual(["pack"]);
  });

  it("lists live members, keeps anti-affinity apart, and deleting a group frees its servers", async () => {
    const group = await h.bus.call(
      createServerGroup,
      { name: "apart", policy: "anti-affinity", rules: {} },
      { ctx: userCtx() },
    );
    const a = await createServer({ group: group.uuid });
    const b = await createServer({ group: group.uuid });
    const hosts = await Promise.all(
      [a, b].map(
        async (uuid) => (await h.bus.call(getServer, { uuid, projectId: PROJECT }, admin)).host,
      ),
    );
    expect(new Set(hosts)).toEqual(new Set(["host-a", "host-b"]));
    // Two hosts, two members: a third member has nowhere to go.
    const c = await createServer({ group: group.uuid });
    const third = await h.bus.call(getServer, { uuid: c, projectId: PROJECT }, admin);
    expect(third.vmState).toBe("error");
    expect(third.fault?.message).toMatch(/^No valid host was found\./);

    expect((await h.bus.call(getServerGroup, { uuid: group.uuid }, admin)).members.sort()).toEqual(
      [a, b, c].sort(),
    );
    await h.bus.call(
      serverAction,
      { uuid: a, projectId: PROJECT, action: "delete" },
      {
        ctx: userCtx(),
      },
    );
    expect((await h.bus.call(getServerGroup, { uuid: group.uuid }, admin)).members.sort()).toEqual(
      [b, c].sort(),
    );

    await h.bus.call(deleteServerGroup, { uuid: group.uuid }, admin);
    expect(await refusal(h.bus.call(getServerGroup, { uuid: group.uuid }, admin))).toEqual({
      code: "not_found",
      message: `Instance group ${group.uuid} could not be found.`,
    });
    expect(await refusal(h.bus.call(deleteServerGroup, { uuid: group.uuid }, admin))).toMatchObject(
      {
        code: "not_found",
      },
    );
    const freed = await h.bus.call(getServer, { uuid: b, projectId: PROJECT }, admin);
    expect(freed.serverGroups).toEqual([]);
    // A deleted group takes no new members.
    expect(await refusal(createServer({ group: group.uuid }))).toEqual({
      code: "invalid",
      message: `Instance group ${group.uuid} could not be found.`,
      details: { resource: "server_group" },
    });
  });
});

describe("usage", () => {
  it("lists the servers launched in a window, deleted ones included, by project and uuid", async () => {
    const project = "11111111111111112222222222222222";
    const before = new Date();
    const kept = await createServer({ projectId: project });
    const gone = await createServer({ projectId: project, flavorRef: "2" });
    await h.bus.call(
      serverAction,
      { uuid: gone, projectId: project, action: "delete" },
      {
        ctx: userCtx(project),
      },
    );
    const after = new Date(Date.now() + 1000);
    const usage = (req: { start: Date; end: Date; limit?: number; marker?: string }) =>
      h.bus.call(
        listUsage,
        {
          projectId: project,
          start: req.start.toISOString(),
          end: req.end.toISOString(),
          limit: req.limit ?? 1000,
          ...(req.marker && { marker: req.marker }),
        },
        admin,
      );
    const { instances } = await usage({ start: before, end: after });
    expect(instances.map((i) => i.uuid)).toEqual([kept, gone].sort());
    const deleted = instances.find((i) => i.uuid === gone)!;
    expect(deleted).toMatchObject({
      projectId: project,
      flavorName: "m1.small",
      vcpus: 1,
      memoryMb: 2048,
      rootGb: 20,
      vmState: "deleted",
    });
    expect(deleted.terminatedAt).not.toBeNull();
    expect(instances.find((i) => i.uuid === kept)).toMatchObject({
      vmState: "active",
      terminatedAt: null,
    });
    // Paging by uuid; a window before the launches has nothing.
    const first = await usage({ start: before, end: after, limit: 1 });
    const rest = await usage({ start: before, end: after, marker: first.instances[0]!.uuid });
    expect([...first.instances, ...rest.instances].map((i) => i.uuid)).toEqual(
      instances.map((i) => i.uuid),
    );
    expect((await usage({ start: new Date(0), end: before })).instances).toEqual([]);
    expect(
      await refusal(
        usage({ start: before, end: after, marker: "00000000-0000-4000-8000-000000000000" }),
      ),
    ).toEqual({
      code: "invalid",
      message: "Marker 00000000-0000-4000-8000-000000000000 could not be found.",
    });
  });
});
