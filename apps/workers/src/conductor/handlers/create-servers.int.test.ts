import {
  createServers,
  getServer,
  listInstanceActions,
  type RpcError,
  type HandlerMeta,
} from "@nimbus/rpc";
import { pino } from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  adminCtx,
  createHarness,
  OTHER_PROJECT,
  PROJECT,
  userCtx,
  type Harness,
  refusal,
} from "../testing";
import { createServersHandler } from "./create-servers";

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
  await h.addHost("host-a");
  await h.addHost("host-b");
});
afterAll(() => h?.close());
beforeEach(async () => {
  // Every test starts from an empty project (the instances of earlier tests would count).
  await h.db.$executeRaw`UPDATE instances SET deleted = id, vm_state = 'deleted' WHERE deleted = 0`;
  await h.db.$executeRaw`DELETE FROM allocations`;
  await h.db
    .$executeRaw`UPDATE compute_nodes SET vcpus_used = 0, memory_mb_used = 0, local_gb_used = 0, running_vms = 0`;
  await h.db.quota.deleteMany();
});

const request = (over: Partial<Parameters<typeof h.bus.call<typeof createServers>>[1]> = {}) => ({
  name: "web",
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
  ...over,
});

describe("create_servers", () => {
  it("records the server in BUILD/scheduling, answers, and the build goes all the way to ACTIVE", async () => {
    const ctx = userCtx();
    const reply = await h.bus.call(createServers, request({ metadata: { role: "web" } }), { ctx });
    expect(reply.servers).toHaveLength(1);
    const created = reply.servers[0]!;
    // The reply is the server as recorded, before any scheduling (with castsAsCalls the chain
    // below runs before the reply arrives, but the reply was read before the cast).
    expect(created).toMatchObject({
      name: "web",
      hostname: "web",
      vmState: "building",
      taskState: "scheduling",
      powerState: 0,
      host: null,
      projectId: PROJECT,
      metadata: { role: "web" },
      flavor: { id: "1", name: "m1.tiny", memoryMb: 512, vcpus: 1, rootGb: 1 },
      imageProperties: { architecture: "x86_64", hypervisor_type: "qemu" },
      pinnedAvailabilityZone: null,
      launchIndex: 0,
    });
    expect(reply.reservationId).toMatch(/^r-[0-9a-f]{8}$/);

    const server = await h.bus.call(getServer, { uuid: created.uuid, projectId: PROJECT }, { ctx });
    expect(server).toMatchObject({
      vmState: "active",
      taskState: null,
      powerState: 1,
      availabilityZone: "nova",
    });
    expect(["host-a", "host-b"]).toContain(server.host);
    expect(server.launchedAt).not.toBeNull();

    const { actions } = await h.bus.call(
      listInstanceActions,
      { uuid: created.uuid, projectId: PROJECT },
      { ctx },
    );
    expect(actions).toHaveLength(1);
    const create = actions[0]!;
    expect(create).toMatchObject({
      action: "create",
      requestId: ctx.requestId,
      userId: ctx.userId,
    });
    expect(create.finishTime).not.toBeNull();
    const events = Object.fromEntries(create.events.map((e) => [e.event, e]));
    expect(events.conductor_schedule_and_build_instances).toMatchObject({
      result: "Success",
      host: "conductor-1",
    });
    // The scheduler's explanation rides on the scheduling event.
    const explanation = JSON.parse(events.conductor_schedule_and_build_instances!.details!);
    expect(explanation.hostsConsidered).toBe(2);
    expect(events.compute_build_and_run_instance).toMatchObject({
      result: "Success",
      host: server.host,
    });

    const node = await h.db.computeNode.findFirstOrThrow({ where: { host: server.host! } });
    expect([node.vcpusUsed, node.memoryMbUsed, node.localGbUsed, node.runningVms]).toEqual([
      1, 512, 1, 1,
    ]);
  });

  it("numbers the servers of a multi-create and gives as many as quota allows", async () => {
    await h.setQuota("instances", 3);
    const reply = await h.bus.call(createServers, request({ minCount: 2, maxCount: 5 }), {
      ctx: userCtx(),
    });
    expect(reply.servers.map((s) => [s.name, s.hostname, s.launchIndex])).toEqual([
      ["web-1", "web-1", 0],
      ["web-2", "web-2", 1],
      ["web-3", "web-3", 2],
    ]);
    expect(new Set(reply.servers.map((s) => s.reservationId)).size).toBe(1);
  });

  it("lets exactly the quota through when 50 creates race, and tells the others in Nova's words", async () => {
    h.computes.get("host-a")!.auto = false;
    h.computes.get("host-b")!.auto = false;
    try {
      const results = await Promise.allSettled(
        Array.from({ length: 50 }, () => h.bus.call(createServers, request(), { ctx: userCtx() })),
      );
      const ok = results.filter((r) => r.status === "fulfilled");
      const refused = results.flatMap((r) =>
        r.status === "rejected" ? [r.reason as RpcError] : [],
      );
      expect(ok).toHaveLength(10);
      expect(refused).toHaveLength(40);
      for (const err of refused) {
        expect(err.code).toBe("over_quota");
        expect(err.message).toBe(
          "Quota exceeded for instances: Requested 1, but already used 10 of 10 instances",
        );
      }
      expect(await h.db.instance.count({ where: { projectId: PROJECT, deleted: 0 } })).toBe(10);
    } finally {
      h.computes.get("host-a")!.auto = true;
      h.computes.get("host-b")!.auto = true;
      await h.computes.get("host-a")!.release();
      await h.computes.get("host-b")!.release();
    }
  });

  it("fills the quota exactly when multi-creates race: each gets what fits, none is refused while room is left", async () => {
    h.computes.get("host-a")!.auto = false;
    h.computes.get("host-b")!.auto = false;
    try {
      const results = await Promise.allSettled(
        Array.from({ length: 12 }, () =>
          h.bus.call(createServers, request({ minCount: 1, maxCount: 3 }), { ctx: userCtx() }),
        ),
      );
      const counts = results.flatMap((r) =>
        r.status === "fulfilled" ? [r.value.servers.length] : [],
      );
      expect(counts.reduce((a, b) => a + b, 0)).toBe(10);
      for (const r of results) {
        if (r.status === "rejected") {
          expect((r.reason as RpcError).message).toBe(
            "Quota exceeded for instances: Requested 1-3, but already used 10 of 10 instances",
          );
        }
      }
      expect(await h.db.instance.count({ where: { projectId: PROJECT, deleted: 0 } })).toBe(10);
    } finally {
      h.computes.get("host-a")!.auto = true;
      h.computes.get("host-b")!.auto = true;
      await h.computes.get("host-a")!.release();
      await h.computes.get("host-b")!.release();
    }
  });

  it("counts cores and ram too", async () => {
    await h.setQuota("cores", 3);
    const err = await refusal(
      h.bus.call(createServers, request({ flavorRef: "4" }), { ctx: userCtx() }),
    );
    expect(err.code).toBe("over_quota");
    expect(err.message).toBe(
      "Quota exceeded for cores: Requested 4, but already used 0 of 3 cores",
    );
  });

  it("refuses references the caller cannot use, as Nova's API does", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ flavorRef: "nope" }, "Invalid flavorRef provided."],
      [{ flavorRef: "98" }, "Invalid flavorRef provided."], // disabled
      [{ flavorRef: "99" }, "Invalid flavorRef provided."], // private, no access
      [{ imageRef: "00000000-0000-4000-8000-000000000000" }, "Can not find requested image"],
      [{ imageRef: "tiny-linux" }, "Can not find requested image"],
      [{ keyName: "missing" }, "Invalid key_name provided."],
      [{ availabilityZone: "elsewhere" }, "The requested availability zone is not available"],
    ];
    for (const [over, message] of cases) {
      const err = await refusal(h.bus.call(createServers, request(over), { ctx: userCtx() }));
      expect([err.code, err.message]).toEqual(["invalid", message]);
    }
    // A private flavor is usable by the projects it is shared with, and by admins.
    const flavor = await h.db.flavor.findUniqueOrThrow({ where: { flavorid: "99" } });
    await h.db.flavorProject.create({ data: { flavorId: flavor.id, projectId: PROJECT } });
    await expect(
      h.bus.call(createServers, request({ flavorRef: "99" }), { ctx: userCtx() }),
    ).resolves.toBeDefined();
    await expect(
      h.bus.call(createServers, request({ flavorRef: "99" }), { ctx: adminCtx(OTHER_PROJECT) }),
    ).resolves.toBeDefined();
  });

  it("stores the key pair's public key, and checks the server group quota", async () => {
    await h.db.keyPair.create({
      data: {
        name: "mykey",
        userId: userCtx().userId!,
        fingerprint: "fp",
        publicKey: "ssh-ed25519 AAAA test",
      },
    });
    const group = await h.db.serverGroup.create({
      data: {
        uuid: crypto.randomUUID(),
        name: "g",
        projectId: PROJECT,
        userId: userCtx().userId!,
        policy: "affinity",
      },
    });
    await h.setQuota("server_group_members", 1);
    const reply = await h.bus.call(
      createServers,
      request({ keyName: "mykey", serverGroup: group.uuid }),
      { ctx: userCtx() },
    );
    expect(reply.servers[0]).toMatchObject({ keyName: "mykey", serverGroups: [group.uuid] });
    const row = await h.db.instance.findUniqueOrThrow({ where: { uuid: reply.servers[0]!.uuid } });
    expect(row.keyData).toBe("ssh-ed25519 AAAA test");
    const err = await refusal(
      h.bus.call(createServers, request({ serverGroup: group.uuid }), { ctx: userCtx() }),
    );
    expect([err.code, err.message]).toEqual([
      "over_quota",
      "Quota exceeded, too many servers in group",
    ]);
  });

  it("answers a call that runs twice (same message id) with the servers of its first run", async () => {
    const fn = createServersHandler(h.conductor).fn;
    const meta = {
      ctx: userCtx(),
      messageId: crypto.randomUUID(),
      redelivered: false,
      deliveryCount: 0,
      version: "1.0",
      logger: pino({ level: "silent" }),
    } satisfies HandlerMeta;
    const payload = createServers.request.parse(request({ maxCount: 2 }));
    const [first, second] = await Promise.all([
      fn(payload, meta),
      fn(payload, { ...meta, redelivered: true }),
    ]);
    const uuids = (r: unknown) =>
      (r as { servers: { uuid: string }[] }).servers.map((s) => s.uuid).sort();
    expect(uuids(second)).toEqual(uuids(first));
    expect(await h.db.instance.count({ where: { projectId: PROJECT, deleted: 0 } })).toBe(2);
    await h.bus.idle();
  });

  it("needs a project and a user in the context", async () => {
    const err = await refusal(
      h.bus.call(createServers, request(), { ctx: { requestId: "req-x", isAdmin: true } }),
    );
    expect(err.code).toBe("invalid");
  });
});
