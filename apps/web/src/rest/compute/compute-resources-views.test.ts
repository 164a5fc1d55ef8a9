// Views and request schemas of flavors, quota sets and classes, limits, key pairs, server groups,
// availability zones and usage, against the field sets of Nova's doc/api_samples per microversion.
import {
  flavorSchema,
  NOVA_DEFAULT_QUOTAS,
  serverGroupSchema,
  type Flavor,
  type KeyPair,
  type UsageInstance,
} from "@nimbus/rpc";
import { describe, expect, it } from "vitest";
import { aService } from "../../../test/fixtures";
import { validateBody } from "../body";
import { Microversion, type VersionString } from "../microversion";
import { availabilityZonesDetailView, availabilityZonesView } from "./availability-zones";
import { createFlavorSchema, flavorSummaryView, flavorView, flavorViewOptions } from "./flavors";
import {
  createdKeyPairView,
  createKeyPairSchema,
  keyPairSummaryView,
  keyPairView,
} from "./keypairs";
import { limitsView } from "./limits";
import {
  quotaClassResources,
  quotaDetailView,
  quotaSetResources,
  quotaSetView,
  updateQuotaSetSchema,
} from "./quota-sets";
import { createServerGroupSchema, serverGroupView } from "./server-groups";
import { hoursIn, parseUsageTime, tenantUsagesView } from "./simple-tenant-usage";

const v = Microversion.of;
const keys = (o: object) => Object.keys(o).sort();
const sorted = (list: string) => list.split(/\s+/).filter(Boolean).sort();
const BASE = "http://cloud";
const admin = { roles: ["admin", "member", "reader"], projectId: "admin" };

const flavor: Flavor = flavorSchema.parse({
  id: "7",
  name: "m1.small.description",
  memoryMb: 2048,
  vcpus: 1,
  rootGb: 20,
  ephemeralGb: 0,
  swap: 0,
  rxtxFactor: 1,
  isPublic: true,
  disabled: false,
  description: "test description",
  extraSpecs: { "hw:cpu_policy": "shared", "hw:numa_nodes": "1" },
  createdAt: "2026-01-02T03:04:05.678Z",
  updatedAt: "2026-01-02T03:04:05.678Z",
});

describe("flavor views", () => {
  const FULL = `OS-FLV-DISABLED:disabled OS-FLV-EXT-DATA:ephemeral disk id links name
    os-flavor-access:is_public ram rxtx_factor swap vcpus`;
  const view = (version: VersionString) =>
    flavorView(flavor, flavorViewOptions(BASE, v(version), admin));

  it("has the 2.1 fields with swap as '' for none; description from 2.55; extra_specs from 2.61", () => {
    expect(keys(view("2.1"))).toEqual(sorted(FULL));
    expect(view("2.1").swap).toBe("");
    expect(keys(view("2.55"))).toEqual(sorted(`${FULL} description`));
    expect(keys(view("2.61"))).toEqual(sorted(`${FULL} description extra_specs`));
    expect(view("2.61").extra_specs).toEqual({ "hw:cpu_policy": "shared", "hw:numa_nodes": "1" });
  });

  it("shows swap as 0 from 2.75, and a real swap as its size always", () => {
    expect(view("2.75")).toMatchObject({ swap: 0, ram: 2048, disk: 20, rxtx_factor: 1 });
    const withSwap = { ...flavor, swap: 512 };
    expect(flavorView(withSwap, flavorViewOptions(BASE, v("2.1"), admin)).swap).toBe(512);
  });

  it("links to the flavor under /v2.1 and as a bookmark; the index has id, name, links", () => {
    const o = flavorViewOptions(BASE, v("2.55"), admin);
    expect(flavorSummaryView(flavor, o)).toEqual({
      id: "7",
      name: "m1.small.description",
      description: "test description",
      links: [
        { rel: "self", href: "http://cloud/compute/v2.1/flavors/7" },
        { rel: "bookmark", href: "http://cloud/compute/flavors/7" },
      ],
    });
    expect(keys(flavorSummaryView(flavor, flavorViewOptions(BASE, v("2.1"), admin)))).toEqual(
      sorted("id links name"),
    );
  });
});

describe("flavor create body", () => {
  const parse = (version: VersionString, flavor: object) =>
    validateBody(createFlavorSchema(v(version)), { flavor }).flavor;
  const minimal = { name: "m2.tiny", ram: 512, vcpus: 1, disk: 1 };

  it("takes Nova's integer-or-digits values, ids, booleans and an rxtx factor", () => {
    expect(
      parse("2.1", {
        ...minimal,
        id: 10,
        ram: "1024",
        swap: "",
        "OS-FLV-EXT-DATA:ephemeral": "0",
        rxtx_factor: "2.5",
        "os-flavor-access:is_public": "False",
      }),
    ).toEqual({
      ...minimal,
      id: "10",
      ram: 1024,
      swap: 0,
      "OS-FLV-EXT-DATA:ephemeral": 0,
      rxtx_factor: 2.5,
      "os-flavor-access:is_public": false,
    });
    expect(parse("2.1", { ...minimal, id: null }).id).toBeNull();
  });

  it("refuses what Nova's schema refuses", () => {
    const bad = (version: VersionString, flavor: object) => () => parse(version, flavor);
    expect(bad("2.1", { ...minimal, ram: 0 })).toThrow(/ram/);
    expect(bad("2.1", { ...minimal, vcpus: "one" })).toThrow(/vcpus/);
    expect(bad("2.1", { ...minimal, disk: -1 })).toThrow(/disk/);
    expect(bad("2.1", { ...minimal, id: " padded" })).toThrow(/id/);
    expect(bad("2.1", { ...minimal, id: "a/b" })).toThrow(/id/);
    expect(bad("2.1", { ...minimal, rxtx_factor: 0 })).toThrow(/rxtx_factor/);
    expect(bad("2.1", { ...minimal, name: " m2" })).toThrow(/name/);
    expect(bad("2.1", { name: "x", ram: 1, vcpus: 1 })).toThrow(/'disk' is a required property/);
    // The description comes with 2.55.
    expect(bad("2.54", { ...minimal, description: "d" })).toThrow(/'description' was unexpected/);
    expect(parse("2.55", { ...minimal, description: "d" })).toMatchObject({ description: "d" });
  });
});

describe("quota sets and classes", () => {
  const quotas = {
    limits: { ...NOVA_DEFAULT_QUOTAS, instances: 5 },
    defaults: NOVA_DEFAULT_QUOTAS,
    usage: { instances: 2, cores: 3, ram: 1024, server_groups: 1 },
  };
  const ALL = `cores fixed_ips floating_ips injected_file_content_bytes injected_file_path_bytes
    injected_files instances key_pairs metadata_items ram security_group_rules security_groups
    server_group_members server_groups`;

  it("shows every resource until 2.36 drops the network ones and 2.57 the injected files", () => {
    expect(keys(quotaSetView(quotas.limits, quotaSetResources(v("2.1")), "p1"))).toEqual(
      sorted(`id ${ALL}`),
    );
    expect(quotaSetResources(v("2.36")).sort()).toEqual(
      sorted(`cores injected_file_content_bytes injected_file_path_bytes injected_files
        instances key_pairs metadata_items ram server_group_members server_groups`),
    );
    expect(quotaSetResources(v("2.57")).sort()).toEqual(
      sorted("cores instances key_pairs metadata_items ram server_group_members server_groups"),
    );
  });

  it("details in_use, limit and reserved (key pairs and group members in use are 0, as in Nova)", () => {
    const detail = quotaDetailView(quotas, quotaSetResources(v("2.57")), "p1");
    expect(detail).toMatchObject({
      id: "p1",
      instances: { in_use: 2, limit: 5, reserved: 0 },
      cores: { in_use: 3, limit: 20, reserved: 0 },
      ram: { in_use: 1024, limit: 51200, reserved: 0 },
      server_groups: { in_use: 1, limit: 10, reserved: 0 },
      key_pairs: { in_use: 0, limit: 100, reserved: 0 },
      server_group_members: { in_use: 0, limit: 10, reserved: 0 },
    });
  });

  it("takes the resources a microversion shows, as integers or strings of them, and force", () => {
    const parse = (version: VersionString, quota_set: object) =>
      validateBody(updateQuotaSetSchema(v(version)), { quota_set }).quota_set;
    expect(parse("2.1", { instances: "5", floating_ips: -1, force: "true" })).toEqual({
      instances: 5,
      floating_ips: -1,
      force: true,
    });
    expect(() => parse("2.36", { floating_ips: 1 })).toThrow(/'floating_ips' was unexpected/);
    expect(() => parse("2.57", { injected_files: 1 })).toThrow(/'injected_files' was unexpected/);
    expect(() => parse("2.57", { instances: -2 })).toThrow(/instances/);
    expect(() => parse("2.57", { instances: "ten" })).toThrow(/instances/);
  });

  it("hides the group limits of quota classes before 2.50, the network ones from 2.50", () => {
    expect(quotaClassResources(v("2.1"))).not.toContain("server_groups");
    expect(quotaClassResources(v("2.1"))).toContain("floating_ips");
    expect(quotaClassResources(v("2.50"))).toContain("server_group_members");
    expect(quotaClassResources(v("2.50"))).not.toContain("floating_ips");
    expect(quotaClassResources(v("2.57"))).not.toContain("injected_files");
  });
});

describe("limits", () => {
  const quotas = {
    limits: NOVA_DEFAULT_QUOTAS,
    defaults: NOVA_DEFAULT_QUOTAS,
    usage: { instances: 1, cores: 2, ram: 512, server_groups: 3 },
  };
  const V257 = `maxServerMeta maxTotalCores maxTotalInstances maxTotalKeypairs maxTotalRAMSize
    maxServerGroups maxServerGroupMembers totalCoresUsed totalInstancesUsed totalRAMUsed
    totalServerGroupsUsed`;

  it("names the limits as the api_samples of 2.1, 2.36, 2.39 and 2.57", () => {
    const absolute = (version: VersionString) => limitsView(quotas, v(version)).limits.absolute;
    expect(keys(absolute("2.1"))).toEqual(
      sorted(`${V257} maxImageMeta maxPersonality maxPersonalitySize maxSecurityGroupRules
        maxSecurityGroups maxTotalFloatingIps totalSecurityGroupsUsed totalFloatingIpsUsed`),
    );
    expect(keys(absolute("2.36"))).toEqual(
      sorted(`${V257} maxImageMeta maxPersonality maxPersonalitySize`),
    );
    expect(keys(absolute("2.39"))).toEqual(sorted(`${V257} maxPersonality maxPersonalitySize`));
    expect(keys(absolute("2.57"))).toEqual(sorted(V257));
    expect(limitsView(quotas, v("2.57"))).toEqual({
      limits: {
        rate: [],
        absolute: expect.objectContaining({
          maxTotalInstances: 10,
          totalInstancesUsed: 1,
          totalCoresUsed: 2,
          totalRAMUsed: 512,
          totalServerGroupsUsed: 3,
          maxTotalKeypairs: 100,
        }),
      },
    });
  });
});

describe("key pairs", () => {
  const key: KeyPair = {
    id: 1,
    name: "keypair-1",
    userId: "fake",
    projectId: "p1",
    fingerprint: "44:fe:29:6e:23:14:b9:53:5b:65:82:58:1c:fe:5a:c3",
    publicKey: "ssh-rsa AAAA Generated-by-Nimbus",
    type: "ssh",
    createdAt: "2014-05-07T12:06:13.681Z",
  };

  it("has the api_samples' fields: type from 2.2; show adds the owner and bookkeeping", () => {
    expect(keys(keyPairSummaryView(key, v("2.1")))).toEqual(sorted("fingerprint name public_key"));
    expect(keys(keyPairSummaryView(key, v("2.2")))).toEqual(
      sorted("fingerprint name public_key type"),
    );
    expect(keyPairView(key, v("2.2"))).toEqual({
      fingerprint: key.fingerprint,
      name: "keypair-1",
      type: "ssh",
      public_key: key.publicKey,
      user_id: "fake",
      deleted: false,
      created_at: "2014-05-07T12:06:13.681000",
      updated_at: null,
      deleted_at: null,
      id: 1,
    });
    expect(keys(createdKeyPairView({ ...key, privateKey: "PEM" }, v("2.10")))).toEqual(
      sorted("fingerprint name public_key type user_id private_key"),
    );
  });

  it("takes names, types, owners and missing public keys as each microversion allows", () => {
    const ok = (version: VersionString, keypair: object) =>
      validateBody(createKeyPairSchema(v(version)), { keypair });
    const bad = (version: VersionString, keypair: object) => () => ok(version, keypair);
    expect(ok("2.1", { name: "my key_1-a" })).toEqual({ keypair: { name: "my key_1-a" } });
    expect(bad("2.1", { name: "a@b" })).toThrow(/name/);
    expect(bad("2.1", { name: "k", type: "ssh" })).toThrow(/'type' was unexpected/);
    expect(ok("2.2", { name: "k", type: "x509", public_key: "PEM" }).keypair).toMatchObject({
      type: "x509",
    });
    expect(bad("2.2", { name: "k", user_id: "u" })).toThrow(/'user_id' was unexpected/);
    expect(ok("2.10", { name: "k", user_id: "u" }).keypair).toMatchObject({ user_id: "u" });
    // 2.92: no generation, and names may have @ and dots.
    expect(bad("2.92", { name: "k" })).toThrow(/'public_key' is a required property/);
    expect(
      ok("2.92", { name: "me@host.example", public_key: "ssh-ed25519 AAAA" }).keypair.name,
    ).toBe("me@host.example");
    expect(bad("2.92", { name: " leading", public_key: "x" })).toThrow(/name/);
  });
});

describe("server groups", () => {
  const group = serverGroupSchema.parse({
    uuid: "5bbcc3c4-1da2-4437-a48a-66f15b1b13f9",
    name: "test",
    projectId: "6f70656e737461636b20342065766572",
    userId: "fake",
    policy: "anti-affinity",
    rules: { max_server_per_host: 1 },
    members: [],
    createdAt: "2026-01-02T03:04:05.678Z",
  });

  it("shows policies and metadata before 2.64, policy and rules from 2.64, owners from 2.13", () => {
    expect(serverGroupView(group, v("2.1"))).toEqual({
      id: group.uuid,
      name: "test",
      policies: ["anti-affinity"],
      members: [],
      metadata: {},
    });
    expect(keys(serverGroupView(group, v("2.13")))).toEqual(
      sorted("id members metadata name policies project_id user_id"),
    );
    expect(serverGroupView(group, v("2.64"))).toEqual({
      id: group.uuid,
      name: "test",
      policy: "anti-affinity",
      rules: { max_server_per_host: 1 },
      members: [],
      project_id: group.projectId,
      user_id: "fake",
    });
  });

  it("takes soft policies from 2.15 and the policy + rules shape from 2.64", () => {
    const parse = (version: VersionString, server_group: object) =>
      validateBody(createServerGroupSchema(v(version)), { server_group });
    expect(() => parse("2.1", { name: "g", policies: ["soft-affinity"] })).toThrow();
    expect(parse("2.15", { name: "g", policies: ["soft-affinity"] })).toBeTruthy();
    expect(() => parse("2.15", { name: "g", policies: ["affinity", "anti-affinity"] })).toThrow();
    expect(() => parse("2.64", { name: "g", policies: ["affinity"] })).toThrow();
    expect(
      parse("2.64", { name: "g", policy: "anti-affinity", rules: { max_server_per_host: "1" } }),
    ).toEqual({
      server_group: { name: "g", policy: "anti-affinity", rules: { max_server_per_host: 1 } },
    });
    expect(() =>
      parse("2.64", { name: "g", policy: "anti-affinity", rules: { max_server_per_host: 0 } }),
    ).toThrow();
  });
});

describe("availability zones", () => {
  const services = [
    aService({ id: 1, host: "compute-a", binary: "nova-compute", zone: "nova" }),
    aService({ id: 2, host: "compute-b", binary: "nova-compute", zone: "nova", up: false }),
    aService({ id: 3, host: "ctl", binary: "nova-scheduler", zone: "internal" }),
    aService({ id: 4, host: "ctl", binary: "nova-conductor", zone: "internal" }),
    aService({ id: 5, host: "edge-1", binary: "nova-compute", zone: "edge", disabled: true }),
  ];

  it("lists the zones of enabled services but the internal one; zones with only disabled ones are unavailable", () => {
    expect(availabilityZonesView(services)).toEqual({
      availabilityZoneInfo: [
        { zoneName: "nova", zoneState: { available: true }, hosts: null },
        { zoneName: "edge", zoneState: { available: false }, hosts: null },
      ],
    });
  });

  it("details each zone's hosts and their enabled services, the internal zone included", () => {
    const [internal, nova, edge] = availabilityZonesDetailView(services).availabilityZoneInfo;
    expect(internal).toMatchObject({ zoneName: "internal", zoneState: { available: true } });
    expect(keys(internal!.hosts!.ctl!)).toEqual(["nova-conductor", "nova-scheduler"]);
    expect(nova!.hosts).toEqual({
      "compute-a": {
        "nova-compute": { available: true, active: true, updated_at: expect.any(String) },
      },
      "compute-b": {
        "nova-compute": { available: false, active: true, updated_at: expect.any(String) },
      },
    });
    expect(edge).toEqual({ zoneName: "edge", zoneState: { available: false }, hosts: null });
  });
});

describe("simple tenant usage", () => {
  const at = (iso: string) => new Date(iso);
  const server = (over: Partial<UsageInstance> = {}): UsageInstance => ({
    uuid: "1f1deceb-17b5-4c04-84c7-e0d4499c8fe0",
    name: "instance-2",
    projectId: "p1",
    flavorName: "m1.tiny",
    vcpus: 1,
    memoryMb: 512,
    rootGb: 1,
    ephemeralGb: 0,
    vmState: "active",
    launchedAt: "2026-01-01T10:00:00.000Z",
    terminatedAt: null,
    ...over,
  });
  const start = at("2026-01-01T09:00:00Z");
  const stop = at("2026-01-01T12:00:00Z");

  it("counts the hours a server ran inside the window", () => {
    expect(hoursIn(server(), start, stop)).toBe(2);
    expect(hoursIn(server({ terminatedAt: "2026-01-01T11:30:00.000Z" }), start, stop)).toBe(1.5);
    expect(hoursIn(server({ launchedAt: "2026-01-01T08:00:00.000Z" }), start, stop)).toBe(3);
    expect(hoursIn(server({ launchedAt: "2026-01-01T13:00:00.000Z" }), start, stop)).toBe(0);
    expect(
      hoursIn(
        server({
          launchedAt: "2026-01-01T07:00:00.000Z",
          terminatedAt: "2026-01-01T08:00:00.000Z",
        }),
        start,
        stop,
      ),
    ).toBe(0);
  });

  it("sums per project, and lists each server's usage when detailed", () => {
    const now = at("2026-01-01T12:30:00Z");
    const gone = server({
      uuid: "2f1deceb-17b5-4c04-84c7-e0d4499c8fe0",
      flavorName: "m1.small",
      vcpus: 2,
      memoryMb: 2048,
      rootGb: 20,
      ephemeralGb: 5,
      vmState: "deleted",
      terminatedAt: "2026-01-01T11:00:00.000Z",
    });
    const [usage] = tenantUsagesView([server(), gone], start, stop, true, now);
    expect(usage).toMatchObject({
      tenant_id: "p1",
      total_hours: 3,
      total_vcpus_usage: 2 * 1 + 1 * 2,
      total_memory_mb_usage: 2 * 512 + 1 * 2048,
      total_local_gb_usage: 2 * 1 + 1 * 25,
      start: "2026-01-01T09:00:00.000000",
      stop: "2026-01-01T12:00:00.000000",
    });
    expect(usage!.server_usages).toEqual([
      expect.objectContaining({ state: "active", ended_at: null, uptime: 9000, hours: 2 }),
      expect.objectContaining({
        instance_id: gone.uuid,
        flavor: "m1.small",
        state: "terminated",
        ended_at: "2026-01-01T11:00:00.000000",
        uptime: 3600,
        local_gb: 25,
      }),
    ]);
    expect(keys(tenantUsagesView([server()], start, stop, false, now)[0]!)).toEqual(
      sorted(
        "tenant_id total_local_gb_usage total_vcpus_usage total_memory_mb_usage total_hours start stop",
      ),
    );
  });

  it("reads the datetime formats Nova reads, as UTC; anything else is a 400", () => {
    const now = new Date();
    expect(parseUsageTime(undefined, now)).toBe(now);
    expect(parseUsageTime("2026-01-01T10:00:00", now).toISOString()).toBe(
      "2026-01-01T10:00:00.000Z",
    );
    expect(parseUsageTime("2026-01-01T10:00:00.25", now).toISOString()).toBe(
      "2026-01-01T10:00:00.250Z",
    );
    expect(parseUsageTime("2026-01-01 10:00:00.123456", now).toISOString()).toBe(
      "2026-01-01T10:00:00.123Z",
    );
    expect(() => parseUsageTime("2026-01-01", now)).toThrow(/Datetime is in invalid format/);
    expect(() => parseUsageTime("2026-01-01T10:00:00Z", now)).toThrow(/invalid format/);
  });
});
