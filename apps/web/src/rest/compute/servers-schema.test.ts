// POST /servers and PUT /servers/{id} bodies: what Nova's schemas accept and refuse, per
// microversion, with Nova-shaped 400s, and what a valid body asks the conductor for.
import { describe, expect, it } from "vitest";
import { validateBody } from "../body";
import { HttpError } from "../errors";
import { Microversion, type VersionString } from "../microversion";
import {
  createRequest,
  createServerSchema,
  parseAvailabilityZone,
  updateChanges,
  updateServerSchema,
} from "./servers-schema";

const IMAGE = "70a599e0-31e7-49b7-b260-868f441e862b";
const GROUP = "8f1e1f5c-6c1a-4c3e-9a55-0d3c8a2b1e11";

function create(server: Record<string, unknown>, version: VersionString = "2.1", extra = {}) {
  const v = Microversion.of(version);
  const body = validateBody(createServerSchema(v), { server, ...extra });
  return createRequest(body, v);
}

function refusal(fn: () => unknown): HttpError {
  try {
    fn();
  } catch (err) {
    if (err instanceof HttpError) return err;
    throw err;
  }
  throw new Error("expected an HttpError");
}

const minimal = { name: "web-1", imageRef: IMAGE, flavorRef: "1" };

describe("POST /servers body", () => {
  it("turns a minimal body into a create request with Nova's defaults", () => {
    const req = create(minimal);
    expect(req.input).toEqual({
      name: "web-1",
      imageRef: IMAGE,
      flavorRef: "1",
      minCount: 1,
      maxCount: 1,
      availabilityZone: null,
      forceHost: null,
      keyName: null,
      metadata: {},
      userData: null,
      // before 2.19 the description is the name
      description: "web-1",
      hostname: null,
      serverGroup: null,
      schedulerHints: {},
      accessIpV4: null,
      accessIpV6: null,
    });
    expect(req.returnReservationId).toBe(false);
    expect(req.securityGroups).toEqual([{ name: "default" }]);
    expect(req.adminPass).toBeUndefined();
  });

  it("requires a name without leading or trailing whitespace, 1-255 characters", () => {
    const { name: _, ...nameless } = minimal;
    expect(refusal(() => create(nameless)).message).toBe(
      "Invalid input for field/attribute server. Value: " +
        JSON.stringify({ imageRef: IMAGE, flavorRef: "1" }) +
        ". 'name' is a required property",
    );
    for (const name of ["", " web", "web ", "a".repeat(256), "tab\there"]) {
      const err = refusal(() => create({ ...minimal, name }));
      expect(err.status).toBe(400);
      expect(err.message).toMatch(/^Invalid input for field\/attribute name\./);
    }
    expect(create({ ...minimal, name: "web server ü" }).input.name).toBe("web server ü");
  });

  it("takes imageRef and flavorRef as ids or hrefs; imageRef must name a uuid", () => {
    const req = create({
      ...minimal,
      imageRef: `http://glance/v2/images/${IMAGE.toUpperCase()}`,
      flavorRef: "http://cloud/compute/flavors/42",
    });
    expect(req.input.imageRef).toBe(IMAGE);
    expect(req.input.flavorRef).toBe("42");
    expect(create({ ...minimal, flavorRef: 7 }).input.flavorRef).toBe("7");
    expect(refusal(() => create({ ...minimal, imageRef: "cirros" })).message).toMatch(
      /imageRef.*'cirros' is not a 'uuid'/,
    );
    expect(refusal(() => create({ ...minimal, imageRef: "" })).message).toBe(
      "Missing imageRef attribute",
    );
  });

  it("accepts min_count/max_count as integers or digit strings, min <= max", () => {
    const req = create({ ...minimal, min_count: "2", max_count: 5 });
    expect([req.input.minCount, req.input.maxCount]).toEqual([2, 5]);
    expect(create({ ...minimal, min_count: 3 }).input.maxCount).toBe(3);
    expect(refusal(() => create({ ...minimal, min_count: 3, max_count: 2 })).message).toBe(
      "min_count must be <= max_count",
    );
    expect(refusal(() => create({ ...minimal, min_count: 0 })).status).toBe(400);
    expect(refusal(() => create({ ...minimal, max_count: "two" })).status).toBe(400);
  });

  it("checks metadata keys and values, and the 128-item limit (403 as a quota)", () => {
    expect(create({ ...minimal, metadata: { "a-b_c:d. e": "v" } }).input.metadata).toEqual({
      "a-b_c:d. e": "v",
    });
    expect(refusal(() => create({ ...minimal, metadata: { "bad/key": "v" } })).status).toBe(400);
    expect(refusal(() => create({ ...minimal, metadata: { k: "x".repeat(256) } })).status).toBe(
      400,
    );
    expect(refusal(() => create({ ...minimal, metadata: { k: 1 } })).status).toBe(400);
    const many = Object.fromEntries(Array.from({ length: 129 }, (_, i) => [`k${i}`, "v"]));
    const err = refusal(() => create({ ...minimal, metadata: many }));
    expect([err.status, err.message]).toEqual([
      403,
      "Maximum number of metadata items exceeds 128",
    ]);
  });

  it("wants user_data in base64, at most 65535 characters", () => {
    expect(create({ ...minimal, user_data: "IyFiaW4vc2gKZWNobyBoaQo=" }).input.userData).toBe(
      "IyFiaW4vc2gKZWNobyBoaQo=",
    );
    expect(refusal(() => create({ ...minimal, user_data: "not base64!" })).message).toMatch(
      /user_data.*is not a 'base64'/,
    );
    expect(refusal(() => create({ ...minimal, user_data: "QUFB".repeat(16384) })).status).toBe(400);
  });

  it("accepts networks as a list before 2.37 and requires auto/none/list from 2.37", () => {
    expect(create({ ...minimal, networks: [] }).input.name).toBe("web-1");
    expect(create(minimal, "2.36").input.name).toBe("web-1");
    expect(refusal(() => create(minimal, "2.37")).message).toMatch(
      /'networks' is a required property/,
    );
    for (const networks of ["auto", "none", [{ uuid: GROUP }]]) {
      expect(create({ ...minimal, networks }, "2.37").input.name).toBe("web-1");
    }
    expect(refusal(() => create({ ...minimal, networks: "all" }, "2.37")).status).toBe(400);
    expect(refusal(() => create({ ...minimal, networks: [{ uuid: "x" }] }, "2.37")).status).toBe(
      400,
    );
  });

  it("adds description at 2.19 and hostname at 2.90 (an FQDN from 2.94)", () => {
    expect(refusal(() => create({ ...minimal, description: "d" }, "2.18")).message).toMatch(
      /Additional properties are not allowed \('description' was unexpected\)/,
    );
    expect(create({ ...minimal, description: "d" }, "2.19").input.description).toBe("d");
    expect(create({ ...minimal, description: null }, "2.19").input.description).toBeNull();
    expect(create(minimal, "2.19").input.description).toBeNull();
    const at290 = { ...minimal, networks: "none" };
    expect(refusal(() => create({ ...at290, hostname: "web-1" }, "2.89")).status).toBe(400);
    expect(create({ ...at290, hostname: "web-1" }, "2.90").input.hostname).toBe("web-1");
    expect(refusal(() => create({ ...at290, hostname: "web.example.org" }, "2.93")).status).toBe(
      400,
    );
    expect(create({ ...at290, hostname: "web.example.org" }, "2.94").input.hostname).toBe(
      "web.example.org",
    );
    expect(refusal(() => create({ ...at290, hostname: "web", max_count: 2 }, "2.94")).message).toBe(
      "Unable to allocate a single hostname to multiple instances",
    );
  });

  it("parses zone:host for a forced host (the policy is the service's job)", () => {
    expect(create({ ...minimal, availability_zone: "nova" }).input).toMatchObject({
      availabilityZone: "nova",
      forceHost: null,
    });
    expect(create({ ...minimal, availability_zone: "nova:compute-b" }).input).toMatchObject({
      availabilityZone: "nova",
      forceHost: "compute-b",
    });
    expect(parseAvailabilityZone(":compute-b")).toEqual({ zone: null, host: "compute-b" });
    expect(parseAvailabilityZone("nova:compute-b:node")).toEqual({
      zone: "nova",
      host: "compute-b",
    });
    expect(() => parseAvailabilityZone("nova::node")).toThrow(HttpError);
    expect(() => parseAvailabilityZone("a:b:c:d")).toThrow("Unable to parse availability_zone");
  });

  it("keeps scheduler hints as lists, under either key, and takes the group from them", () => {
    const req = create(minimal, "2.1", {
      "os:scheduler_hints": { group: GROUP.toUpperCase(), same_host: [IMAGE], query: "[]", x: 1 },
    });
    expect(req.input.serverGroup).toBe(GROUP);
    expect(req.input.schedulerHints).toEqual({
      group: [GROUP],
      same_host: [IMAGE],
      query: ["[]"],
      x: [1],
    });
    const legacy = create(minimal, "2.1", { "OS-SCH-HNT:scheduler_hints": { group: [GROUP] } });
    expect(legacy.input.serverGroup).toBe(GROUP);
    for (const hints of [
      { group: "g" },
      { different_host: ["web-1"] },
      { same_host: ["x"] },
      { "": 1 },
    ]) {
      expect(refusal(() => create(minimal, "2.1", { "os:scheduler_hints": hints })).status).toBe(
        400,
      );
    }
    expect(refusal(() => create(minimal, "2.1", { hints: {} })).message).toMatch(
      /Additional properties are not allowed \('hints' was unexpected\)/,
    );
  });

  it("echoes security groups and a given adminPass; honours return_reservation_id", () => {
    const req = create({
      ...minimal,
      security_groups: [{ name: "web" }],
      adminPass: "s3cret",
      return_reservation_id: "True",
    });
    expect(req.securityGroups).toEqual([{ name: "web" }]);
    expect(req.adminPass).toBe("s3cret");
    expect(req.returnReservationId).toBe(true);
    expect(refusal(() => create({ ...minimal, return_reservation_id: "maybe" })).status).toBe(400);
  });

  it("refuses what this cloud cannot do with a 400 that says so, but not asking for nothing", () => {
    const asks: [Record<string, unknown>, VersionString][] = [
      [{ block_device_mapping_v2: [{ boot_index: 0 }] }, "2.1"],
      [{ personality: [{ path: "/etc/motd", contents: "aGk=" }] }, "2.1"],
      [{ config_drive: true }, "2.1"],
      [{ tags: ["a"] }, "2.52"],
      [{ trusted_image_certificates: ["c"] }, "2.63"],
      [{ host: "compute-b", networks: "none" }, "2.74"],
    ];
    for (const [ask, version] of asks) {
      const body = { ...minimal, ...(version >= "2.37" && { networks: "none" }), ...ask };
      expect(refusal(() => create(body, version)).message).toMatch(
        /is not supported by this cloud/,
      );
    }
    expect(
      create({ ...minimal, block_device_mapping_v2: [], config_drive: false }).input.name,
    ).toBe("web-1");
    const at257 = { ...minimal, networks: "none", personality: [] };
    expect(refusal(() => create(at257, "2.57")).message).toMatch(/'personality' was unexpected/);
  });

  it("validates access IPs", () => {
    const req = create({ ...minimal, accessIPv4: "192.0.2.1", accessIPv6: "2001:db8::1" });
    expect([req.input.accessIpV4, req.input.accessIpV6]).toEqual(["192.0.2.1", "2001:db8::1"]);
    expect(refusal(() => create({ ...minimal, accessIPv4: "300.1.1.1" })).status).toBe(400);
    expect(refusal(() => create({ ...minimal, accessIPv6: "nope" })).status).toBe(400);
  });
});

describe("PUT /servers/{id} body", () => {
  const update = (server: Record<string, unknown>, version: VersionString = "2.1") =>
    updateChanges(validateBody(updateServerSchema(Microversion.of(version)), { server }));

  it("renames, describes (2.19+) and re-hostnames (2.90+)", () => {
    expect(update({ name: "new" })).toEqual({ name: "new" });
    expect(update({ description: null }, "2.19")).toEqual({ description: null });
    expect(update({ hostname: "new-host" }, "2.90")).toEqual({ hostname: "new-host" });
    expect(update({ accessIPv4: "192.0.2.9" })).toEqual({ accessIpV4: "192.0.2.9" });
    expect(update({})).toEqual({});
    expect(() => update({ description: "d" }, "2.18")).toThrow(/'description' was unexpected/);
    expect(() => update({ name: " padded" })).toThrow(HttpError);
    expect(() => update({ status: "ACTIVE" })).toThrow(/'status' was unexpected/);
  });
});
