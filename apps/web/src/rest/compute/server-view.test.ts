// The server views against the field sets of Nova's api_samples (doc/api_samples/servers/**), one
// microversion band at a time: the keys, not the sample values. Nova's samples always show a
// `security_groups` entry from Neutron; servers here have no ports, so, as Nova does for a
// server without ports, the key is absent.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { anInstance } from "../../../test/fixtures";
import { Microversion, type VersionString } from "../microversion";
import {
  createdServerView,
  idFromHref,
  serverSummaryView,
  serverView,
  serverViewContext,
} from "./server-view";

const BASE = "http://cloud.example";
const admin = { roles: ["admin", "member", "reader"], projectId: "admin", isAdmin: true };
const member = { roles: ["member", "reader"], projectId: "p1", isAdmin: false };
const statuses = new Map([["compute-a", "UP" as const]]);

const keys = (o: object) => Object.keys(o).sort();
const sorted = (list: string) => list.split(/\s+/).filter(Boolean).sort();

function view(
  version: VersionString,
  who: typeof admin,
  mode: "show" | "detail" | "update" = "show",
  instance = anInstance(),
) {
  const vc = serverViewContext(BASE, Microversion.of(version), who, statuses);
  return serverView(instance, vc, mode);
}

// Field sets of servers/server-get-resp.json and its versioned siblings (admin samples up to
// 2.73; the 2.90+ samples are a non-admin's), without security_groups.
const GET_2_1 = `OS-DCF:diskConfig OS-EXT-AZ:availability_zone OS-EXT-SRV-ATTR:host
  OS-EXT-SRV-ATTR:hypervisor_hostname OS-EXT-SRV-ATTR:instance_name OS-EXT-STS:power_state
  OS-EXT-STS:task_state OS-EXT-STS:vm_state OS-SRV-USG:launched_at OS-SRV-USG:terminated_at
  accessIPv4 accessIPv6 addresses config_drive created flavor hostId id image key_name links
  metadata name os-extended-volumes:volumes_attached progress status tenant_id updated user_id`;
const V2_3 = `OS-EXT-SRV-ATTR:hostname OS-EXT-SRV-ATTR:kernel_id OS-EXT-SRV-ATTR:launch_index
  OS-EXT-SRV-ATTR:ramdisk_id OS-EXT-SRV-ATTR:reservation_id OS-EXT-SRV-ATTR:root_device_name
  OS-EXT-SRV-ATTR:user_data`;
const GET_2_3 = `${GET_2_1} ${V2_3}`;
const GET_2_9 = `${GET_2_3} locked`;
const GET_2_16 = `${GET_2_9} host_status`;
const GET_2_19 = `${GET_2_16} description`;
const GET_2_47 = `${GET_2_19} tags`;
const GET_2_63 = `${GET_2_47} trusted_image_certificates`;
const GET_2_71 = `${GET_2_63} server_groups`;
const GET_2_73 = `${GET_2_71} locked_reason`;
const USER_2_90 = `OS-DCF:diskConfig OS-EXT-AZ:availability_zone OS-EXT-SRV-ATTR:hostname
  OS-EXT-STS:power_state OS-EXT-STS:task_state OS-EXT-STS:vm_state OS-SRV-USG:launched_at
  OS-SRV-USG:terminated_at accessIPv4 accessIPv6 addresses config_drive created description
  flavor hostId id image key_name links locked locked_reason metadata name
  os-extended-volumes:volumes_attached progress server_groups status tags tenant_id
  trusted_image_certificates updated user_id`;
const USER_2_96 = `${USER_2_90} pinned_availability_zone`;
const USER_2_100 = `${USER_2_96} scheduler_hints`;

describe("server show view, per microversion band (api_samples field sets)", () => {
  it.each([
    ["2.1", GET_2_1],
    ["2.3", GET_2_3],
    ["2.9", GET_2_9],
    ["2.16", GET_2_16],
    ["2.19", GET_2_19],
    ["2.26", GET_2_47],
    ["2.47", GET_2_47],
    ["2.63", GET_2_63],
    ["2.71", GET_2_71],
    ["2.73", GET_2_73],
  ] as const)("%s, admin", (version, fields) => {
    expect(keys(view(version, admin))).toEqual(sorted(fields));
  });

  it.each([
    ["2.90", USER_2_90],
    ["2.96", USER_2_96],
    ["2.98", USER_2_96],
    ["2.100", USER_2_100],
  ] as const)("%s, member", (version, fields) => {
    expect(keys(view(version, member))).toEqual(sorted(fields));
  });

  it("gives admins every admin attribute at 2.100, plus what members see", () => {
    const fields = sorted(`${USER_2_100} ${V2_3} OS-EXT-SRV-ATTR:host
      OS-EXT-SRV-ATTR:hypervisor_hostname OS-EXT-SRV-ATTR:instance_name host_status`);
    expect(keys(view("2.100", admin))).toEqual([...new Set(fields)].sort());
  });

  it("keeps admin attributes from members before 2.90", () => {
    const v = view("2.73", member);
    expect(keys(v).filter((k) => k.startsWith("OS-EXT-SRV-ATTR"))).toEqual([]);
    expect(v).not.toHaveProperty("host_status");
  });
});

describe("server detail and update views", () => {
  it("leaves server_groups out of list entries (2.71+) and keeps host_status (2.16+)", () => {
    const v = view("2.100", admin, "detail");
    expect(v).not.toHaveProperty("server_groups");
    expect(v.host_status).toBe("UP");
    // servers/v2.100/servers-details-resp.json is a member's entry
    expect(keys(view("2.100", member, "detail"))).toEqual(
      sorted(USER_2_100).filter((k) => k !== "server_groups"),
    );
  });

  it.each([
    [
      "2.1",
      `OS-DCF:diskConfig accessIPv4 accessIPv6 addresses created flavor hostId id image links
       metadata name progress status tenant_id updated user_id`,
    ],
    [
      "2.19",
      `OS-DCF:diskConfig accessIPv4 accessIPv6 addresses created description flavor hostId id
       image links locked metadata name progress status tenant_id updated user_id`,
    ],
    [
      "2.73",
      `OS-DCF:diskConfig accessIPv4 accessIPv6 addresses created description flavor hostId id
       image links locked locked_reason metadata name progress server_groups status tags
       tenant_id trusted_image_certificates updated user_id`,
    ],
    ["2.75", GET_2_73],
  ] as const)("PUT answers at %s with the update sample's fields (admin)", (version, fields) => {
    expect(keys(view(version, admin, "update"))).toEqual(sorted(fields));
  });

  it("PUT at 2.100 answers a member as GET does", () => {
    expect(keys(view("2.100", member, "update"))).toEqual(sorted(USER_2_100));
  });
});

describe("server view values", () => {
  it("links the flavor before 2.47 and embeds it from 2.47, extra specs for readers", () => {
    const inst = anInstance();
    expect(view("2.46", member, "show", inst).flavor).toEqual({
      id: "1",
      links: [{ rel: "bookmark", href: `${BASE}/compute/flavors/1` }],
    });
    expect(view("2.47", member, "show", inst).flavor).toEqual({
      vcpus: 1,
      ram: 512,
      disk: 1,
      ephemeral: 0,
      swap: 0,
      original_name: "m1.tiny",
      extra_specs: { "hw:cpu_policy": "shared" },
    });
    const noRole = { roles: [], projectId: "p1", isAdmin: false };
    expect(view("2.47", noRole, "show", inst).flavor).not.toHaveProperty("extra_specs");
  });

  it("shows the image by bookmark, with its properties from 2.98", () => {
    const inst = anInstance();
    const link = [{ rel: "bookmark", href: `${BASE}/compute/images/${inst.imageRef}` }];
    expect(view("2.97", member, "show", inst).image).toEqual({ id: inst.imageRef, links: link });
    expect(view("2.98", member, "show", inst).image).toEqual({
      id: inst.imageRef,
      links: link,
      properties: { architecture: "x86_64" },
    });
  });

  it("renders Nova's formats: hostId, timestamps, status, state fields", () => {
    const inst = anInstance({
      vmState: "stopped",
      powerState: 4,
      launchedAt: "2026-01-02T03:04:05.678Z",
      createdAt: "2026-01-02T03:04:05.000Z",
    });
    const v = view("2.1", admin, "show", inst);
    expect(v.hostId).toBe(createHash("sha224").update(`${inst.projectId}compute-a`).digest("hex"));
    expect(v.created).toBe("2026-01-02T03:04:05Z");
    expect(v["OS-SRV-USG:launched_at"]).toBe("2026-01-02T03:04:05.678000");
    expect(v["OS-SRV-USG:terminated_at"]).toBeNull();
    expect(v.status).toBe("SHUTOFF");
    expect(v).not.toHaveProperty("progress");
    expect(v["OS-EXT-STS:vm_state"]).toBe("stopped");
    expect(v["OS-EXT-STS:power_state"]).toBe(4);
    expect(v["OS-EXT-SRV-ATTR:instance_name"]).toBe(`instance-${inst.uuid}`);
    expect(v.addresses).toEqual({});
    expect(v.links).toEqual([
      { rel: "self", href: `${BASE}/compute/v2.1/servers/${inst.uuid}` },
      { rel: "bookmark", href: `${BASE}/compute/servers/${inst.uuid}` },
    ]);
  });

  it("has an empty hostId and host_status for a server without a host", () => {
    const inst = anInstance({
      host: null,
      node: null,
      vmState: "building",
      taskState: "scheduling",
      launchedAt: null,
    });
    const v = view("2.16", admin, "show", inst);
    expect(v.hostId).toBe("");
    expect(v.host_status).toBe("");
    expect(v.status).toBe("BUILD");
    expect(v.progress).toBe(0);
    expect(v["OS-EXT-SRV-ATTR:root_device_name"]).toBeNull();
  });

  it("shows a fault for ERROR servers, with a 500's details for admins only", () => {
    const fault = {
      code: 500,
      message: "No valid host was found. RamFilter removed 2 hosts",
      details: '{"filters":[]}',
      createdAt: "2026-01-02T03:04:05.678Z",
    };
    const inst = anInstance({ vmState: "error", fault });
    expect(view("2.1", admin, "show", inst).fault).toEqual({
      code: 500,
      message: fault.message,
      details: fault.details,
      created: "2026-01-02T03:04:05Z",
    });
    expect(view("2.1", member, "show", inst).fault).toEqual({
      code: 500,
      message: fault.message,
      created: "2026-01-02T03:04:05Z",
    });
    const notA500 = anInstance({ vmState: "error", fault: { ...fault, code: 400 } });
    expect(view("2.1", member, "show", notA500).fault).toHaveProperty("details");
    expect(view("2.1", member, "show", anInstance({ fault }))).not.toHaveProperty("fault");
  });

  it("says DELETED for a deleted server", () => {
    const inst = anInstance({ vmState: "deleted", deletedAt: "2026-01-02T03:04:05.678Z" });
    expect(view("2.1", admin, "show", inst).status).toBe("DELETED");
  });
});

describe("index and create views", () => {
  it("lists id, name and links (servers/servers-list-resp.json)", () => {
    expect(keys(serverSummaryView(anInstance(), BASE))).toEqual(["id", "links", "name"]);
  });

  it("answers a create with id, links, disk config, security groups and a password", () => {
    const v = createdServerView(anInstance(), BASE, [{ name: "default" }], "pw");
    expect(keys(v.server)).toEqual(sorted("OS-DCF:diskConfig adminPass id links security_groups"));
  });

  it("takes the id at the end of an href", () => {
    expect(idFromHref("http://x/compute/flavors/42")).toBe("42");
    expect(idFromHref("42")).toBe("42");
    expect(idFromHref("http://x/images/abc/")).toBe("abc");
  });
});
