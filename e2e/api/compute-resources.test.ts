// The rest of the compute API through the whole stack, one main flow per resource: flavors (with
// extra specs and access), quota sets and classes, limits, key pairs, availability zones, server
// groups, simple tenant usage, and the hypervisor statistics and service deletes of the spine.
import { createHash, generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, describe, expect, onTestFailed, test } from "vitest";
import type { ApiClient } from "../stack/client";
import { createServer, createServerGroup, deleteAll, FLAVORS, isActive } from "../stack/servers";
import { startStack, type Stack } from "../stack/stack";

/** An OpenSSH ed25519 public key made here, and its fingerprint as Nova computes it. */
function sshKey(comment: string) {
  const x = Buffer.from(
    generateKeyPairSync("ed25519").publicKey.export({ format: "jwk" }).x!,
    "base64url",
  );
  const field = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
  const blob = Buffer.concat([field(Buffer.from("ssh-ed25519")), field(x)]);
  const md5 = createHash("md5").update(blob).digest("hex");
  return {
    publicKey: `ssh-ed25519 ${blob.toString("base64")} ${comment}`,
    fingerprint: md5.match(/../g)!.join(":"),
  };
}

describe("the rest of the compute API", () => {
  let stack: Stack;
  let admin: ApiClient;
  let alice: ApiClient; // member of p1
  let bob: ApiClient; // member of p2
  // Keystone's ids of alice and p1, bob and p2.
  let p1: { userId: string; projectId: string };
  let p2: { userId: string; projectId: string };

  beforeAll(async () => {
    stack = await startStack({
      name: "compute-resources",
      computes: [{ host: "node-a" }, { host: "node-b" }],
    });
    admin = await stack.compute();
    alice = await stack.compute({ user: "alice", project: "p1" });
    bob = await stack.compute({ user: "bob", project: "p2" });
    p1 = await stack.ids({ user: "alice", project: "p1" });
    p2 = await stack.ids({ user: "bob", project: "p2" });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const logsOnFailure = () => onTestFailed(async () => console.log(await stack.logTail(30)));

  test("flavors: admins create, describe and delete them; users list and show the public ones", async () => {
    logsOnFailure();
    const created = await admin.post("/flavors", {
      flavor: {
        name: "c1.test",
        id: "c1",
        ram: 768,
        vcpus: 2,
        disk: 3,
        "OS-FLV-EXT-DATA:ephemeral": 1,
        swap: 128,
        rxtx_factor: 1.5,
        description: "for tests",
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    expect(created.body.flavor).toEqual({
      id: "c1",
      name: "c1.test",
      ram: 768,
      vcpus: 2,
      disk: 3,
      swap: 128,
      "OS-FLV-EXT-DATA:ephemeral": 1,
      "OS-FLV-DISABLED:disabled": false,
      "os-flavor-access:is_public": true,
      rxtx_factor: 1.5,
      description: "for tests",
      extra_specs: {},
      links: [
        { rel: "self", href: `${stack.url}/compute/v2.1/flavors/c1` },
        { rel: "bookmark", href: `${stack.url}/compute/flavors/c1` },
      ],
    });
    // Taken names and ids, and users, are refused in Nova's words.
    const again = await admin.post("/flavors", {
      flavor: { name: "c1.test", ram: 1, vcpus: 1, disk: 0 },
    });
    expect(again.status).toBe(409);
    expect(again.body.conflictingRequest.message).toBe("Flavor with name c1.test already exists.");
    const byUser = await alice.post("/flavors", {
      flavor: { name: "x", ram: 1, vcpus: 1, disk: 0 },
    });
    expect(byUser.status).toBe(403);

    // A user lists it, pages through the list, filters it, and shows it in older shapes.
    const list = await alice.get("/flavors?minRam=700&sort_key=memory_mb");
    expect(list.body.flavors.map((f: { id: string }) => f.id)).toEqual(["c1", "2", "3", "4", "5"]);
    const page = await alice.get("/flavors/detail?limit=2");
    expect(page.body.flavors.map((f: { id: string }) => f.id)).toEqual(["1", "2"]);
    expect(page.body.flavors_links[0].href).toBe(
      `${stack.url}/compute/v2.1/flavors/detail?limit=2&marker=2`,
    );
    const old = await (
      await stack.compute({ user: "alice", project: "p1" }, "2.1")
    ).get("/flavors/1");
    expect(old.body.flavor).toMatchObject({ id: "1", name: "m1.tiny", swap: "" });
    expect(old.body.flavor).not.toHaveProperty("description");
    expect((await alice.get("/flavors/m1.tiny")).status).toBe(404); // a name is not an id

    // A server built with it keeps its copy of it after the flavor is gone.
    const id = await createServer(stack, alice, { flavorRef: "c1" });
    await stack.waitForServer(id, isActive);
    expect((await admin.delete("/flavors/c1")).status).toBe(202);
    expect((await alice.get("/flavors/c1")).status).toBe(404);
    const server = (await alice.get(`/servers/${id}`)).body.server;
    expect(server.flavor).toMatchObject({ original_name: "c1.test", ram: 768, vcpus: 2, disk: 3 });
    await deleteAll(stack);
  });

  test("flavor extra specs and access: a private flavor is for the projects granted it", async () => {
    logsOnFailure();
    const made = await admin.post("/flavors", {
      flavor: {
        name: "private.one",
        ram: 256,
        vcpus: 1,
        disk: 1,
        "os-flavor-access:is_public": false,
      },
    });
    expect(made.status).toBe(200);
    const id = made.body.flavor.id as string;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);

    const specs = await admin.post(`/flavors/${id}/os-extra_specs`, {
      extra_specs: { "hw:cpu_policy": "shared", "hw:numa_nodes": 1 },
    });
    expect(specs.status).toBe(200);
    expect(specs.body).toEqual({ extra_specs: { "hw:cpu_policy": "shared", "hw:numa_nodes": 1 } });
    expect(
      (await admin.put(`/flavors/${id}/os-extra_specs/hw:numa_nodes`, { "hw:numa_nodes": "2" }))
        .status,
    ).toBe(200);
    expect(
      (await admin.put(`/flavors/${id}/os-extra_specs/a`, { b: "c" })).body.badRequest.message,
    ).toBe("Request body and URI mismatch");
    expect((await admin.get(`/flavors/${id}/os-extra_specs/hw:numa_nodes`)).body).toEqual({
      "hw:numa_nodes": "2",
    });
    expect((await admin.delete(`/flavors/${id}/os-extra_specs/hw:cpu_policy`)).status).toBe(200);
    expect((await admin.get(`/flavors/${id}/os-extra_specs`)).body).toEqual({
      extra_specs: { "hw:numa_nodes": "2" },
    });
    expect((await admin.get(`/flavors/${id}/os-extra_specs/hw:cpu_policy`)).status).toBe(404);

    // Nobody but admins sees it until p1 is granted it; then p1 sees and uses it, p2 still not.
    expect((await alice.get(`/flavors/${id}`)).status).toBe(404);
    const add = await admin.post(`/flavors/${id}/action`, {
      addTenantAccess: { tenant: p1.projectId },
    });
    expect(add.body).toEqual({ flavor_access: [{ flavor_id: id, tenant_id: p1.projectId }] });
    expect((await admin.get(`/flavors/${id}/os-flavor-access`)).body.flavor_access).toHaveLength(1);
    expect((await alice.get(`/flavors/${id}`)).body.flavor.extra_specs).toEqual({
      "hw:numa_nodes": "2",
    });
    expect((await alice.get("/flavors")).body.flavors.map((f: { id: string }) => f.id)).toContain(
      id,
    );
    expect((await bob.get(`/flavors/${id}`)).status).toBe(404);
    expect((await bob.get("/flavors")).body.flavors.map((f: { id: string }) => f.id)).not.toContain(
      id,
    );
    const server = await createServer(stack, alice, { flavorRef: id });
    await stack.waitForServer(server, isActive);
    const refused = await bob.post("/servers", {
      server: { name: "no", imageRef: stack.imageId, flavorRef: id, networks: "none" },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.badRequest.message).toBe("Invalid flavorRef provided.");

    // Public flavors have no access list; access of users is for admins only.
    expect((await admin.get("/flavors/1/os-flavor-access")).status).toBe(404);
    expect(
      (await admin.post("/flavors/1/action", { addTenantAccess: { tenant: p1.projectId } })).status,
    ).toBe(409);
    expect((await alice.get(`/flavors/${id}/os-flavor-access`)).status).toBe(403);
    const removed = await admin.post(`/flavors/${id}/action`, {
      removeTenantAccess: { tenant: p1.projectId },
    });
    expect(removed.body).toEqual({ flavor_access: [] });
    expect((await alice.get(`/flavors/${id}`)).status).toBe(404);
    await deleteAll(stack);
    expect((await admin.delete(`/flavors/${id}`)).status).toBe(202);
  });

  test("quota sets, quota classes and limits", async () => {
    logsOnFailure();
    const id = await createServer(stack, alice);
    await stack.waitForServer(id, isActive);

    const show = await alice.get(`/os-quota-sets/${p1.projectId}`);
    expect(show.status).toBe(200);
    expect(show.body.quota_set).toEqual({
      id: p1.projectId,
      instances: 10,
      cores: 20,
      ram: 51200,
      key_pairs: 100,
      metadata_items: 128,
      server_groups: 10,
      server_group_members: 10,
    });
    expect((await alice.get(`/os-quota-sets/${p2.projectId}`)).status).toBe(403);
    expect(
      (await alice.put(`/os-quota-sets/${p1.projectId}`, { quota_set: { instances: 50 } })).status,
    ).toBe(403);
    expect((await alice.get(`/os-quota-sets/${p1.projectId}?user_id=${p1.userId}`)).status).toBe(
      400,
    );

    // Below what is used: refused unless forced.
    const below = await admin.put(`/os-quota-sets/${p1.projectId}`, { quota_set: { ram: 100 } });
    expect(below.status).toBe(400);
    expect(below.body.badRequest.message).toBe(
      "Quota limit 100 for ram must be greater than or equal to already used and reserved 512.",
    );
    const set = await admin.put(`/os-quota-sets/${p1.projectId}`, {
      quota_set: { instances: 4, cores: "8" },
    });
    expect(set.status).toBe(200);
    expect(set.body.quota_set).toMatchObject({ instances: 4, cores: 8 });
    expect(set.body.quota_set).not.toHaveProperty("id");
    expect(
      (await admin.put(`/os-quota-sets/${p1.projectId}`, { quota_set: { ram: 100, force: true } }))
        .body.quota_set.ram,
    ).toBe(100);
    const detail = await alice.get(`/os-quota-sets/${p1.projectId}/detail`);
    expect(detail.body.quota_set).toMatchObject({
      instances: { in_use: 1, limit: 4, reserved: 0 },
      cores: { in_use: 1, limit: 8, reserved: 0 },
      ram: { in_use: 512, limit: 100, reserved: 0 },
    });
    const over = await alice.post("/servers", {
      server: {
        name: "over",
        imageRef: stack.imageId,
        flavorRef: FLAVORS.tiny.id,
        networks: "none",
      },
    });
    expect(over.status).toBe(403);
    expect(over.body.forbidden.message).toBe(
      "Quota exceeded for ram: Requested 512, but already used 512 of 100 ram",
    );

    // Limits in the user's project, and in another for admins.
    const limits = await alice.get("/limits");
    expect(limits.body.limits).toEqual({
      rate: [],
      absolute: {
        maxTotalInstances: 4,
        maxTotalCores: 8,
        maxTotalRAMSize: 100,
        maxTotalKeypairs: 100,
        maxServerMeta: 128,
        maxServerGroups: 10,
        maxServerGroupMembers: 10,
        totalInstancesUsed: 1,
        totalCoresUsed: 1,
        totalRAMUsed: 512,
        totalServerGroupsUsed: 0,
      },
    });
    expect(
      (await admin.get(`/limits?tenant_id=${p1.projectId}`)).body.limits.absolute
        .totalInstancesUsed,
    ).toBe(1);
    expect((await alice.get(`/limits?tenant_id=${p2.projectId}`)).status).toBe(403);
    const old = await (await stack.compute({ user: "alice", project: "p1" }, "2.1")).get("/limits");
    expect(old.body.limits.absolute).toMatchObject({
      maxImageMeta: 128,
      maxPersonality: 5,
      totalFloatingIpsUsed: 0,
    });

    // Deleting goes back to the defaults; the default class is what those are.
    expect((await admin.delete(`/os-quota-sets/${p1.projectId}`)).status).toBe(202);
    expect((await alice.get(`/os-quota-sets/${p1.projectId}`)).body.quota_set.instances).toBe(10);
    expect(
      (await alice.get(`/os-quota-sets/${p1.projectId}/defaults`)).body.quota_set.instances,
    ).toBe(10);
    const cls = await admin.put("/os-quota-class-sets/default", {
      quota_class_set: { instances: 12 },
    });
    expect(cls.status).toBe(200);
    expect(cls.body.quota_class_set).toMatchObject({ instances: 12, cores: 20 });
    expect((await admin.get("/os-quota-class-sets/default")).body.quota_class_set).toMatchObject({
      id: "default",
      instances: 12,
    });
    expect((await alice.get(`/os-quota-sets/${p1.projectId}`)).body.quota_set.instances).toBe(12);
    expect((await alice.get("/os-quota-class-sets/default")).status).toBe(403);
    await admin.put("/os-quota-class-sets/default", { quota_class_set: { instances: 10 } });
    await deleteAll(stack);
  });

  test("key pairs: import, generate, page, per user, used by servers, counted by quota", async () => {
    logsOnFailure();
    const key = sshKey("alice@test");
    const imported = await alice.post("/os-keypairs", {
      keypair: { name: "alice-key", public_key: key.publicKey },
    });
    expect(imported.status, JSON.stringify(imported.body)).toBe(201);
    expect(imported.body.keypair).toEqual({
      name: "alice-key",
      type: "ssh",
      public_key: key.publicKey,
      fingerprint: key.fingerprint,
      user_id: p1.userId,
    });
    const bad = await alice.post("/os-keypairs", {
      keypair: { name: "bad", public_key: "ssh-rsa AAAA" },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.badRequest.message).toBe(
      "Keypair data is invalid: failed to generate fingerprint",
    );
    expect(
      (
        await alice.post("/os-keypairs", {
          keypair: { name: "alice-key", public_key: key.publicKey },
        })
      ).status,
    ).toBe(409);

    // Generated (before 2.92): the private key comes back once; from 2.92 a public key is required.
    const v291 = await stack.compute({ user: "alice", project: "p1" }, "2.91");
    const generated = await v291.post("/os-keypairs", { keypair: { name: "made" } });
    expect(generated.status).toBe(201);
    expect(generated.body.keypair.private_key).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);
    expect(generated.body.keypair.public_key).toMatch(/^ssh-rsa /);
    expect((await alice.post("/os-keypairs", { keypair: { name: "made2" } })).status).toBe(400);
    expect(
      (
        await alice.post("/os-keypairs", {
          keypair: { name: "me@host.x", public_key: sshKey("x").publicKey },
        })
      ).status,
    ).toBe(201);
    const v21 = await stack.compute({ user: "alice", project: "p1" }, "2.1");
    expect(
      (
        await v21.post("/os-keypairs", {
          keypair: { name: "me@host.y", public_key: key.publicKey },
        })
      ).status,
    ).toBe(400);

    // Listed by name and paged; shown with its bookkeeping; other users' are not found.
    const list = await alice.get("/os-keypairs");
    expect(list.body.keypairs.map((k: { keypair: { name: string } }) => k.keypair.name)).toEqual([
      "alice-key",
      "made",
      "me@host.x",
    ]);
    const page = await alice.get("/os-keypairs?limit=2");
    expect(page.body.keypairs_links[0].href).toBe(
      `${stack.url}/compute/v2.1/os-keypairs?limit=2&marker=made`,
    );
    const shown = await alice.get("/os-keypairs/alice-key");
    expect(shown.body.keypair).toMatchObject({
      name: "alice-key",
      user_id: p1.userId,
      deleted: false,
      id: expect.any(Number),
    });
    expect((await bob.get("/os-keypairs/alice-key")).status).toBe(404);
    expect((await bob.get("/os-keypairs")).body.keypairs).toEqual([]);
    expect((await bob.get(`/os-keypairs?user_id=${p1.userId}`)).status).toBe(403);
    expect((await admin.get(`/os-keypairs?user_id=${p1.userId}`)).body.keypairs).toHaveLength(3);

    // A server gets the key by name.
    const server = await alice.post("/servers", {
      server: {
        name: "keyed",
        imageRef: stack.imageId,
        flavorRef: FLAVORS.tiny.id,
        networks: "none",
        key_name: "alice-key",
      },
    });
    expect(server.status).toBe(202);
    expect((await alice.get(`/servers/${server.body.server.id}`)).body.server.key_name).toBe(
      "alice-key",
    );
    const unknown = await bob.post("/servers", {
      server: {
        name: "x",
        imageRef: stack.imageId,
        flavorRef: FLAVORS.tiny.id,
        networks: "none",
        key_name: "alice-key",
      },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.badRequest.message).toBe("Invalid key_name provided.");

    // The key_pairs quota is per user.
    await admin.put(`/os-quota-sets/${p1.projectId}`, { quota_set: { key_pairs: 3 } });
    const fourth = await alice.post("/os-keypairs", {
      keypair: { name: "fourth", public_key: sshKey("4").publicKey },
    });
    expect(fourth.status).toBe(403);
    expect(fourth.body.forbidden.message).toBe("Quota exceeded, too many key pairs.");
    await admin.delete(`/os-quota-sets/${p1.projectId}`);

    expect((await alice.delete("/os-keypairs/made")).status).toBe(204);
    expect((await v21.delete("/os-keypairs/me@host.x")).status).toBe(202);
    expect((await alice.delete("/os-keypairs/made")).status).toBe(404);
    expect((await admin.delete(`/os-keypairs/alice-key?user_id=${p1.userId}`)).status).toBe(204);
    expect((await alice.get("/os-keypairs")).body.keypairs).toEqual([]);
    await deleteAll(stack);
  });

  test("availability zones: nova for users; zones with their hosts and services for admins", async () => {
    logsOnFailure();
    expect((await alice.get("/os-availability-zone")).body).toEqual({
      availabilityZoneInfo: [{ zoneName: "nova", zoneState: { available: true }, hosts: null }],
    });
    expect((await alice.get("/os-availability-zone/detail")).status).toBe(403);
    const detail = (await admin.get("/os-availability-zone/detail")).body.availabilityZoneInfo;
    expect(detail.map((z: { zoneName: string }) => z.zoneName)).toEqual(["internal", "nova"]);
    const [internal, nova] = detail;
    expect(Object.keys(internal.hosts.controller).sort()).toEqual(
      expect.arrayContaining(["nova-conductor", "nova-scheduler"]),
    );
    expect(nova.hosts).toEqual({
      "node-a": {
        "nova-compute": { available: true, active: true, updated_at: expect.any(String) },
      },
      "node-b": {
        "nova-compute": { available: true, active: true, updated_at: expect.any(String) },
      },
    });
  });

  test("server groups: anti-affinity keeps members apart; groups are their project's", async () => {
    logsOnFailure();
    const group = await createServerGroup(alice, "anti-affinity");
    const ids = [
      await createServer(stack, alice, { group }),
      await createServer(stack, alice, { group }),
    ];
    const servers = await Promise.all(ids.map((id) => stack.waitForServer(id, isActive)));
    expect(new Set(servers.map((s) => s["OS-EXT-SRV-ATTR:host"]))).toEqual(
      new Set(["node-a", "node-b"]),
    );

    const shown = await alice.get(`/os-server-groups/${group}`);
    expect(shown.body.server_group).toMatchObject({
      id: group,
      policy: "anti-affinity",
      rules: {},
      project_id: p1.projectId,
      user_id: p1.userId,
    });
    expect([...shown.body.server_group.members].sort()).toEqual([...ids].sort());
    const v21 = await stack.compute({ user: "alice", project: "p1" }, "2.1");
    expect((await v21.get(`/os-server-groups/${group}`)).body.server_group).toMatchObject({
      policies: ["anti-affinity"],
      metadata: {},
    });
    // Another project's group: forbidden, as in Nova; only admins list every project's.
    expect((await bob.get(`/os-server-groups/${group}`)).status).toBe(403);
    expect((await bob.get("/os-server-groups")).body.server_groups).toEqual([]);
    expect((await bob.get("/os-server-groups?all_projects=1")).body.server_groups).toEqual([]);
    const all = await admin.get("/os-server-groups?all_projects=1");
    expect(all.body.server_groups.map((g: { id: string }) => g.id)).toContain(group);
    expect((await admin.get("/os-server-groups")).body.server_groups).toEqual([]);

    // server_group_members counts the servers of a group.
    await admin.put(`/os-quota-sets/${p1.projectId}`, { quota_set: { server_group_members: 2 } });
    const third = await alice.post("/servers", {
      server: {
        name: "third",
        imageRef: stack.imageId,
        flavorRef: FLAVORS.tiny.id,
        networks: "none",
      },
      "os:scheduler_hints": { group },
    });
    expect(third.status).toBe(403);
    expect(third.body.forbidden.message).toBe("Quota exceeded, too many servers in group");
    await admin.delete(`/os-quota-sets/${p1.projectId}`);

    // Rules only for anti-affinity, and none that the scheduler would not keep.
    expect(
      (
        await alice.post("/os-server-groups", {
          server_group: { name: "g", policy: "affinity", rules: { max_server_per_host: 1 } },
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await alice.post("/os-server-groups", {
          server_group: { name: "g", policy: "anti-affinity", rules: { max_server_per_host: 2 } },
        })
      ).status,
    ).toBe(409);

    // The server_groups quota.
    await admin.put(`/os-quota-sets/${p1.projectId}`, { quota_set: { server_groups: 2 } });
    expect(
      (
        await alice.post("/os-server-groups", {
          server_group: { name: "second", policy: "soft-affinity" },
        })
      ).status,
    ).toBe(200);
    const tooMany = await alice.post("/os-server-groups", {
      server_group: { name: "third", policy: "affinity" },
    });
    expect(tooMany.status).toBe(403);
    expect(tooMany.body.forbidden.message).toBe("Quota exceeded, too many server groups.");
    await admin.delete(`/os-quota-sets/${p1.projectId}`);

    expect((await bob.delete(`/os-server-groups/${group}`)).status).toBe(403);
    expect((await alice.delete(`/os-server-groups/${group}`)).status).toBe(204);
    expect((await alice.get(`/os-server-groups/${group}`)).status).toBe(404);
    for (const g of (await alice.get("/os-server-groups")).body.server_groups) {
      await alice.delete(`/os-server-groups/${g.id}`);
    }
    await deleteAll(stack);
  });

  test("simple tenant usage counts the hours of running and deleted servers", async () => {
    logsOnFailure();
    const start = new Date(Date.now() - 60_000).toISOString().slice(0, 19);
    const kept = await createServer(stack, bob);
    const gone = await createServer(stack, bob, { flavorRef: FLAVORS.small.id });
    await Promise.all([kept, gone].map((id) => stack.waitForServer(id, isActive)));
    expect((await bob.delete(`/servers/${gone}`)).status).toBe(204);
    await stack.waitForServerGone(gone);
    const end = new Date(Date.now() + 60_000).toISOString().slice(0, 19);

    const res = await bob.get(`/os-simple-tenant-usage/${p2.projectId}?start=${start}&end=${end}`);
    expect(res.status).toBe(200);
    const usage = res.body.tenant_usage;
    expect(usage.tenant_id).toBe(p2.projectId);
    const byId = new Map(
      usage.server_usages.map((u: { instance_id: string }) => [u.instance_id, u]),
    );
    expect(byId.get(kept)).toMatchObject({
      state: "active",
      ended_at: null,
      flavor: "m1.tiny",
      memory_mb: 512,
      vcpus: 1,
      local_gb: 1,
    });
    expect(byId.get(gone)).toMatchObject({
      state: "terminated",
      flavor: "m1.small",
      memory_mb: 2048,
      local_gb: 20,
    });
    const hours = usage.server_usages.reduce((n: number, u: { hours: number }) => n + u.hours, 0);
    expect(usage.total_hours).toBeCloseTo(hours, 10);
    expect(usage.total_hours).toBeGreaterThan(0);
    expect(usage.total_memory_mb_usage).toBeGreaterThan(0);

    // Paged by server from 2.40; every project's for admins only.
    const page = await bob.get(
      `/os-simple-tenant-usage/${p2.projectId}?start=${start}&end=${end}&limit=1`,
    );
    expect(page.body.tenant_usage.server_usages).toHaveLength(1);
    expect(page.body.tenant_usage_links[0].href).toContain("marker=");
    expect((await bob.get(`/os-simple-tenant-usage?start=${start}&end=${end}`)).status).toBe(403);
    expect(
      (await bob.get(`/os-simple-tenant-usage/${p1.projectId}?start=${start}&end=${end}`)).status,
    ).toBe(403);
    const all = await admin.get(`/os-simple-tenant-usage?start=${start}&end=${end}&detailed=1`);
    expect(all.body.tenant_usages.map((u: { tenant_id: string }) => u.tenant_id)).toContain(
      p2.projectId,
    );
    expect(
      (await bob.get(`/os-simple-tenant-usage/${p2.projectId}?start=${end}&end=${start}`)).status,
    ).toBe(400);
    await deleteAll(stack);
  });

  test("hypervisor statistics add up the hosts; a compute service with servers cannot be deleted", async () => {
    logsOnFailure();
    const id = await createServer(stack, alice);
    const server = await stack.waitForServer(id, isActive);
    const v287 = await stack.compute(undefined, "2.87");
    const stats = (await v287.get("/os-hypervisors/statistics")).body.hypervisor_statistics;
    const nodes = (await v287.get("/os-hypervisors/detail")).body.hypervisors;
    const sum = (k: string) => nodes.reduce((n: number, h: Record<string, number>) => n + h[k]!, 0);
    expect(stats).toMatchObject({
      count: 2,
      vcpus: sum("vcpus"),
      memory_mb_used: sum("memory_mb_used"),
      running_vms: 1,
    });
    expect((await admin.get("/os-hypervisors/statistics")).status).toBe(404); // gone in 2.88

    const host = server["OS-EXT-SRV-ATTR:host"];
    const service = (await admin.get(`/os-services?binary=nova-compute&host=${host}`)).body
      .services[0];
    const refused = await admin.delete(`/os-services/${service.id}`);
    expect(refused.status).toBe(409);
    expect((await alice.delete(`/os-services/${service.id}`)).status).toBe(403);
    await deleteAll(stack);
  });
});
