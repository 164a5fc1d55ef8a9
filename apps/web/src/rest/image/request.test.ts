import { describe, expect, it } from "vitest";
import { HttpError } from "../errors";
import { parseListQuery, parseNewImage, parsePatch, patchDraft } from "./request";

/** The HttpError `fn` throws, for asserting on its status and words. */
function refusal(fn: () => unknown): HttpError {
  try {
    fn();
  } catch (err) {
    if (err instanceof HttpError) return err;
    throw err;
  }
  throw new Error("expected a refusal");
}

describe("POST /v2/images bodies", () => {
  it("splits core fields, owner and free-form properties", () => {
    const id = "6C0C6B8E-1F1A-4F6E-9D59-2F6A6B1B6C11";
    expect(
      parseNewImage({
        id,
        name: "cirros",
        disk_format: "qcow2",
        container_format: "bare",
        visibility: "private",
        min_ram: 64,
        tags: ["a", "a", "b"],
        os_hidden: false,
        owner: "p2",
        os_distro: "cirros",
      }),
    ).toEqual({
      id: id.toLowerCase(),
      owner: "p2",
      fields: {
        name: "cirros",
        diskFormat: "qcow2",
        containerFormat: "bare",
        visibility: "private",
        minRam: 64,
        tags: ["a", "b"],
      },
      properties: { os_distro: "cirros" },
    });
    expect(parseNewImage({})).toEqual({ fields: {}, properties: {} });
  });

  it("refuses read-only and reserved attributes with 403", () => {
    for (const key of ["status", "checksum", "size", "self", "file", "created_at"]) {
      const err = refusal(() => parseNewImage({ [key]: "x" }));
      expect([err.status, err.message]).toEqual([403, `Attribute '${key}' is read-only.`]);
    }
    for (const key of ["location", "locations", "deleted", "os_glance_import_task"]) {
      expect(refusal(() => parseNewImage({ [key]: "x" })).message).toBe(
        `Attribute '${key}' is reserved.`,
      );
    }
  });

  it("checks values against Glance's schema (400)", () => {
    const cases: [object, string][] = [
      [{ id: "nope" }, "'nope' does not match"],
      [
        { visibility: "everyone" },
        "'everyone' is not one of ['public', 'private', 'shared', 'community']",
      ],
      [{ disk_format: "exe" }, "'exe' is not one of"],
      [{ protected: "yes" }, "'yes' is not of type 'boolean'"],
      [{ min_disk: 1.5 }, "1.5 is not of type 'integer'"],
      [{ name: "n".repeat(256) }, "is too long"],
      [{ tags: "a" }, "'a' is not of type 'array'"],
      [{ architecture: 64 }, "64 is not of type 'string'"],
    ];
    for (const [body, reason] of cases) {
      const err = refusal(() => parseNewImage(body));
      expect(err.status, JSON.stringify(body)).toBe(400);
      expect(err.message).toContain("Provided object does not match schema 'image': ");
      expect(err.message).toContain(reason);
    }
    expect(refusal(() => parseNewImage({ min_ram: -1 })).message).toBe(
      "Invalid value '-1' for parameter 'min_ram': Cannot be a negative value",
    );
    expect(refusal(() => parseNewImage({ ["k".repeat(256)]: "v" })).status).toBe(400);
    expect(refusal(() => parseNewImage({ os_hidden: true })).status).toBe(400);
    expect(refusal(() => parseNewImage([])).status).toBe(400);
  });

  it("keeps to the property and tag limits (413)", () => {
    const props = Object.fromEntries(Array.from({ length: 129 }, (_, n) => [`p${n}`, "v"]));
    expect(refusal(() => parseNewImage(props)).status).toBe(413);
    const tags = Array.from({ length: 129 }, (_, n) => `t${n}`);
    expect(refusal(() => parseNewImage({ tags })).status).toBe(413);
    expect(() => parseNewImage(Object.fromEntries(Object.entries(props).slice(1)))).not.toThrow();
  });
});

describe("PATCH /v2/images/{id}", () => {
  it("takes the two JSON-patch media types, and names them on a 415", () => {
    expect(patchDraft("application/openstack-images-v2.1-json-patch")).toBe(10);
    expect(patchDraft("application/openstack-images-v2.0-json-patch; charset=UTF-8")).toBe(4);
    const err = refusal(() => patchDraft("application/json"));
    expect(err.status).toBe(415);
    expect(err.headers["Accept-Patch"]).toBe(
      "application/openstack-images-v2.0-json-patch, application/openstack-images-v2.1-json-patch",
    );
  });

  it("turns operations into field changes (last wins) and ordered property operations", () => {
    expect(
      parsePatch(
        [
          { op: "replace", path: "/name", value: "a" },
          { op: "add", path: "/name", value: "b" },
          { op: "add", path: "/hw_disk_bus", value: "virtio" },
          { op: "remove", path: "/os_distro" },
          { op: "replace", path: "/a~1b~0c", value: "x" },
          { op: "replace", path: "/visibility", value: "public" },
          { op: "add", path: "/os_hidden", value: false },
        ],
        10,
      ),
    ).toEqual({
      fields: { name: "b", visibility: "public" },
      properties: [
        { op: "add", key: "hw_disk_bus", value: "virtio" },
        { op: "remove", key: "os_distro" },
        { op: "replace", key: "a/b~c", value: "x" },
      ],
    });
    // The 2.0 (draft 4) form names the operation as the member.
    expect(parsePatch([{ replace: "/min_ram", value: 128 }], 4)).toEqual({
      fields: { minRam: 128 },
      properties: [],
    });
  });

  it("refuses what Glance refuses, with its status", () => {
    const cases: [unknown, number, string][] = [
      [{}, 400, "Request body must be a JSON array of operation objects."],
      [[1], 400, "Operations must be JSON objects."],
      [[{ path: "/name", value: "x" }], 400, "Unable to find `op` in JSON Schema change."],
      [[{ op: "move", path: "/name" }], 400, "Invalid operation: `move`."],
      [[{ op: "add", value: 1 }], 400, "Unable to find 'path' in JSON Schema change"],
      [[{ op: "add", path: "name", value: "x" }], 400, 'does not start with "/"'],
      [
        [{ op: "add", path: "/tags/-", value: "x" }],
        400,
        "Invalid JSON pointer for this resource: '/tags/-'",
      ],
      [[{ op: "add", path: "/a~2", value: "x" }], 400, "not part of a recognized escape sequence"],
      [[{ op: "add", path: "/name" }], 400, 'Operation "add" requires a member named "value".'],
      [
        [{ op: "replace", path: "/status", value: "active" }],
        403,
        "Attribute 'status' is read-only.",
      ],
      [[{ op: "replace", path: "/id", value: "x" }], 403, "Attribute 'id' is read-only."],
      [[{ op: "add", path: "/locations/-", value: {} }], 403, "Attribute 'locations' is reserved."],
      [[{ op: "remove", path: "/name" }], 403, "Property name may not be removed."],
      [[{ op: "add", path: "/min_ram", value: "1" }], 400, "'1' is not of type 'integer'"],
      [[{ op: "add", path: "/prop", value: 1 }], 400, "1 is not of type 'string'"],
      [[{ op: "add", path: "/os_hidden", value: true }], 400, "not supported"],
    ];
    for (const [body, status, words] of cases) {
      const err = refusal(() => parsePatch(body, 10));
      expect([err.status, err.message], JSON.stringify(body)).toEqual([
        status,
        expect.stringContaining(words),
      ]);
    }
  });
});

describe("GET /v2/images parameters", () => {
  const parse = (query: Record<string, string | string[]>) =>
    parseListQuery(
      Object.fromEntries(Object.entries(query).map(([k, v]) => [k, Array.isArray(v) ? v : [v]])),
    );

  it("defaults to 25 newest first, caps the page at 1000", () => {
    expect(parse({})).toEqual({ request: { filters: {}, sort: [], limit: 25 }, empty: false });
    expect(parse({ limit: "5000" }).request.limit).toBe(1000);
    expect(parse({ limit: "0" }).request.limit).toBe(0);
  });

  it("reads Glance's filters, in: lists with quoted items included", () => {
    const { request } = parse({
      id: "in:a,b",
      name: 'in:"x,y",z',
      status: "in:active,bogus",
      disk_format: "qcow2",
      visibility: "all",
      owner: "p1",
      tag: ["t1", "t2"],
      protected: "false",
      size_min: "10",
      created_at: "gte:2026-01-01T00:00:00Z",
      updated_at: "2026-01-01T00:00:00",
      checksum: "abc",
      member_status: "all",
      hw_disk_bus: "virtio",
      marker: "m",
    });
    expect(request.filters).toEqual({
      ids: ["a", "b"],
      names: ["x,y", "z"],
      statuses: ["active"],
      diskFormats: ["qcow2"],
      visibility: "all",
      owner: "p1",
      tags: ["t1", "t2"],
      protected: false,
      sizeMin: 10,
      createdAt: { op: "gte", at: "2026-01-01T00:00:00.000Z" },
      updatedAt: { op: "eq", at: "2026-01-01T00:00:00.000Z" },
      checksum: "abc",
      properties: { hw_disk_bus: "virtio" },
    });
    expect(request.marker).toBe("m");
  });

  it("sorts in either syntax", () => {
    expect(parse({ sort: "name:asc,size" }).request.sort).toEqual([
      { key: "name", dir: "asc" },
      { key: "size", dir: "desc" },
    ]);
    expect(parse({ sort_key: ["name", "id"], sort_dir: "asc" }).request.sort).toEqual([
      { key: "name", dir: "asc" },
      { key: "id", dir: "asc" },
    ]);
    expect(parse({ sort_key: ["name", "id"], sort_dir: ["asc", "desc"] }).request.sort).toEqual([
      { key: "name", dir: "asc" },
      { key: "id", dir: "desc" },
    ]);
  });

  it("answers nothing for hidden images, which are not kept here", () => {
    expect(parse({ os_hidden: "true" }).empty).toBe(true);
    expect(parse({ os_hidden: "False" }).empty).toBe(false);
  });

  it("refuses bad parameters with Glance's words", () => {
    const cases: [Record<string, string | string[]>, string][] = [
      [{ limit: "x" }, "limit param must be an integer"],
      [{ limit: "-1" }, "limit param must be positive"],
      [{ sort_key: "owner" }, "Invalid sort key: owner."],
      [{ sort_key: "name", sort_dir: "up" }, "Invalid sort direction: up"],
      [{ sort: "name", sort_key: "id" }, "Old and new sorting syntax cannot be combined"],
      [
        { sort_key: ["a", "b"], sort_dir: ["asc", "asc", "asc"] },
        "Number of sort dirs does not match",
      ],
      [{ visibility: "world" }, "Invalid visibility value: world"],
      [{ member_status: "x" }, "Invalid status: x"],
      [{ protected: "yes" }, "Invalid value 'yes' for 'protected' filter."],
      [{ size_max: "big" }, "Unable to filter on a range with a non-numeric value."],
      [{ name: "like:x" }, "Unable to filter by unknown operator 'like'."],
      [{ created_at: "gte:yesterday" }, 'Bad "created_at" query filter format.'],
      [
        { "changes-since": "2026-01-01" },
        'The "changes-since" filter is no longer available on v2.',
      ],
    ];
    for (const [query, words] of cases) {
      const err = refusal(() => parse(query));
      expect([err.status, err.message], JSON.stringify(query)).toEqual([
        400,
        expect.stringContaining(words),
      ]);
    }
  });
});
