import {
  createKeyPair,
  createServerGroup,
  createServers,
  deleteKeyPair,
  deleteQuotas,
  getKeyPair,
  getQuotas,
  listKeyPairs,
  NOVA_DEFAULT_QUOTAS,
  quotaClass,
  updateQuotas,
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
});
afterAll(() => h?.close());

const admin = { ctx: adminCtx() };

async function createServer(flavorRef = "2", projectId = PROJECT) {
  const { servers } = await h.bus.call(
    createServers,
    {
      name: "q",
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
    { ctx: userCtx(projectId) },
  );
  return servers[0]!;
}

describe("quota sets", () => {
  it("shows the project's own limits over the default class over Nova's defaults, with usage", async () => {
    // The harness's default class sets instances, cores, ram, metadata and the group limits.
    await createServer("2");
    await h.bus.call(
      createServerGroup,
      { name: "g", policy: "affinity", rules: {} },
      {
        ctx: userCtx(),
      },
    );
    await h.setQuota("instances", 7);
    const q = await h.bus.call(getQuotas, { projectId: PROJECT }, admin);
    expect(q.limits).toEqual({ ...NOVA_DEFAULT_QUOTAS, instances: 7 });
    expect(q.defaults).toEqual(NOVA_DEFAULT_QUOTAS);
    expect(q.usage).toEqual({ instances: 1, cores: 1, ram: 2048, server_groups: 1 });
    const other = await h.bus.call(getQuotas, { projectId: OTHER_PROJECT }, admin);
    expect(other.usage).toEqual({ instances: 0, cores: 0, ram: 0, server_groups: 0 });
    expect(other.limits.instances).toBe(10);
  });

  it("refuses a limit below usage unless forced, and deleting goes back to the defaults", async () => {
    const usage = (await h.bus.call(getQuotas, { projectId: PROJECT }, admin)).usage;
    expect(
      await refusal(
        h.bus.call(
          updateQuotas,
          { projectId: PROJECT, limits: { ram: 1024 }, force: false },
          admin,
        ),
      ),
    ).toEqual({
      code: "invalid",
      message: `Quota limit 1024 for ram must be greater than or equal to already used and reserved ${usage.ram}.`,
    });
    const set = await h.bus.call(
      updateQuotas,
      { projectId: PROJECT, limits: { ram: -1, cores: 5, key_pairs: 0 }, force: false },
      admin,
    );
    expect(set.limits).toMatchObject({ ram: -1, cores: 5, key_pairs: 0, instances: 7 });
    const forced = await h.bus.call(
      updateQuotas,
      { projectId: PROJECT, limits: { instances: 0 }, force: true },
      admin,
    );
    expect(forced.limits.instances).toBe(0);
    // The limit holds for creates at once.
    expect(await refusal(createServer("1"))).toMatchObject({
      code: "over_quota",
      message: "Quota exceeded for instances: Requested 1, but already used 1 of 0 instances",
    });
    await h.bus.call(deleteQuotas, { projectId: PROJECT }, admin);
    expect((await h.bus.call(getQuotas, { projectId: PROJECT }, admin)).limits).toEqual(
      NOVA_DEFAULT_QUOTAS,
    );
  });

  it("keeps quota classes: the default class is what projects fall back to", async () => {
    const dflt = await h.bus.call(quotaClass, { className: "default", set: {} }, admin);
    expect(dflt.limits).toEqual(NOVA_DEFAULT_QUOTAS);
    const changed = await h.bus.call(
      quotaClass,
      { className: "default", set: { instances: 3, key_pairs: 5 } },
      admin,
    );
    expect(changed.limits).toMatchObject({ instances: 3, key_pairs: 5, cores: 20 });
    expect((await h.bus.call(getQuotas, { projectId: OTHER_PROJECT }, admin)).limits).toMatchObject(
      { instances: 3, key_pairs: 5 },
    );
    // Another class is kept and shown, over Nova's defaults (not over the default class).
    const gold = await h.bus.call(quotaClass, { className: "gold", set: { cores: 64 } }, admin);
    expect(gold.limits).toEqual({ ...NOVA_DEFAULT_QUOTAS, cores: 64 });
    await h.bus.call(
      quotaClass,
      { className: "default", set: { instances: 10, key_pairs: 100 } },
      admin,
    );
  });
});

const key = (name: string, userId = USER) => ({
  userId,
  projectId: PROJECT,
  name,
  type: "ssh" as const,
  publicKey: `ssh-ed25519 AAAA${name}`,
  fingerprint: "aa:bb",
});

describe("key pairs", () => {
  it("creates, lists by name with a marker, shows and deletes a user's key pairs", async () => {
    const other = "ccccccccccccccccdddddddddddddddd";
    for (const name of ["kb", "ka", "kc"]) await h.bus.call(createKeyPair, key(name), admin);
    await h.bus.call(createKeyPair, key("ka", other), admin);
    const list = async (page: { limit?: number; marker?: string } = {}) =>
      (await h.bus.call(listKeyPairs, { userId: USER, ...page }, admin)).keyPairs.map(
        (k) => k.name,
      );
    expect(await list()).toEqual(["ka", "kb", "kc"]);
    expect(await list({ limit: 2 })).toEqual(["ka", "kb"]);
    expect(await list({ limit: 2, marker: "kb" })).toEqual(["kc"]);
    expect(await refusal(list({ marker: "zz" }))).toEqual({
      code: "invalid",
      message: "Marker zz could not be found.",
    });

    const shown = await h.bus.call(getKeyPair, { userId: USER, name: "kb" }, admin);
    expect(shown).toMatchObject({ name: "kb", userId: USER, projectId: PROJECT, type: "ssh" });
    expect(await refusal(h.bus.call(createKeyPair, key("kb"), admin))).toEqual({
      code: "conflict",
      message: "Key pair 'kb' already exists.",
    });

    await h.bus.call(deleteKeyPair, { userId: USER, name: "kb" }, admin);
    expect(await refusal(h.bus.call(getKeyPair, { userId: USER, name: "kb" }, admin))).toEqual({
      code: "not_found",
      message: `Keypair kb not found for user ${USER}`,
    });
    // The name is free again once deleted; the other user's key pair of the same name is untouched.
    await h.bus.call(createKeyPair, key("kb"), admin);
    expect((await h.bus.call(getKeyPair, { userId: other, name: "ka" }, admin)).userId).toBe(other);
    for (const name of ["ka", "kb", "kc"]) {
      await h.bus.call(deleteKeyPair, { userId: USER, name }, admin);
    }
  });

  it("lets exactly the key_pairs quota through when creates race", async () => {
    await h.setQuota("key_pairs", 4);
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) => h.bus.call(createKeyPair, key(`race-${i}`), admin)),
    );
    const refused = results.filter((r) => r.status === "rejected");
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(4);
    expect(refused).toHaveLength(8);
    for (const r of refused) {
      expect((r as PromiseRejectedResult).reason).toMatchObject({
        code: "over_quota",
        message: "Quota exceeded, too many key pairs.",
      });
    }
    expect((await h.bus.call(listKeyPairs, { userId: USER }, admin)).keyPairs).toHaveLength(4);
    await h.db.quota.deleteMany();
  });
});

describe("server group quota", () => {
  it("lets exactly the server_groups quota through when creates race", async () => {
    const project = "eeeeeeeeeeeeeeeeffffffffffffffff";
    await h.setQuota("server_groups", 3, project);
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        h.bus.call(
          createServerGroup,
          { name: `g${i}`, policy: "anti-affinity", rules: {} },
          {
            ctx: userCtx(project),
          },
        ),
      ),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(3);
    for (const r of results.filter((x) => x.status === "rejected")) {
      expect((r as PromiseRejectedResult).reason).toMatchObject({
        code: "over_quota",
        message: "Quota exceeded, too many server groups.",
      });
    }
    expect((await h.bus.call(getQuotas, { projectId: project }, admin)).usage.server_groups).toBe(
      3,
    );
  });
});
