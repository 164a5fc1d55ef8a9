// GET /servers query parameters as Nova handles them: filters a user may not use are dropped,
// unknown ones refused from 2.75, statuses, deleted, all_tenants, sorting and paging.
import { describe, expect, it } from "vitest";
import { HttpError } from "../errors";
import { Microversion, type VersionString } from "../microversion";
import { parseServerListQuery } from "./servers-query";

const admin = { roles: ["admin", "member", "reader"], projectId: "admin", isAdmin: true };
const member = { roles: ["member", "reader"], projectId: "p1", isAdmin: false };

function parse(
  query: Record<string, string | string[]>,
  who = member,
  version: VersionString = "2.1",
) {
  const queries = Object.fromEntries(
    Object.entries(query).map(([k, v]) => [k, Array.isArray(v) ? v : [v]]),
  );
  return parseServerListQuery(queries, Microversion.of(version), who);
}

function sortOf(
  query: Record<string, string | string[]>,
  who = member,
  version: VersionString = "2.1",
) {
  return parse(query, who, version).sort;
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

describe("server list query", () => {
  it("defaults to live servers, newest first, a full page", () => {
    expect(parse({})).toEqual({
      allTenants: false,
      filters: { deleted: false },
      sort: [{ key: "created_at", dir: "desc" }],
      limit: 1000,
    });
  });

  it("passes the filters users may use, and silently drops the others for them", () => {
    const q = parse({
      name: "^web",
      image: "img",
      flavor: "1",
      reservation_id: "r-1",
      host: "compute-a",
      node: "n",
      uuid: "x",
      deleted: "true",
    });
    expect(q).toMatchObject({
      filters: { name: "^web", image: "img", flavor: "1", reservationId: "r-1", deleted: false },
    });
    expect(JSON.stringify(q)).not.toContain("compute-a");
  });

  it("lets admins filter by host, node, uuid, user, and ask for deleted servers", () => {
    const uuid = "0E44CC9C-E052-415D-AFBF-469B0D384170";
    expect(
      parse({ host: "compute-a", node: "n", uuid, user_id: "u", deleted: "yes" }, admin),
    ).toMatchObject({
      filters: {
        host: "compute-a",
        node: "n",
        uuid: uuid.toLowerCase(),
        userId: "u",
        deleted: true,
      },
    });
    // an id that cannot be a server's selects none, without asking
    expect(parse({ uuid: "web-1" }, admin)).toMatchObject({ selectsNothing: true });
  });

  it("opens availability_zone, user_id and vm_state to users from 2.83", () => {
    expect(parse({ availability_zone: "nova" })).toMatchObject({ filters: { deleted: false } });
    expect(parse({ availability_zone: "nova", vm_state: "active" }, member, "2.83")).toMatchObject({
      filters: { availabilityZone: "nova", vmState: ["active"] },
    });
    expect(parse({ vm_state: "bogus" }, member, "2.83")).toMatchObject({ selectsNothing: true });
  });

  it("refuses, rather than ignores, Nova filters this cloud cannot apply", () => {
    expect(parse({ key_name: "k" })).not.toHaveProperty("selectsNothing"); // dropped for users < 2.83
    expect(refusal(() => parse({ key_name: "k" }, member, "2.83")).message).toBe(
      "Filtering servers by key_name is not supported.",
    );
    expect(refusal(() => parse({ task_state: "spawning" }, admin)).status).toBe(400);
  });

  it("refuses joined-table and private filters for admins, as Nova does", () => {
    expect(refusal(() => parse({ metadata: "x" }, admin)).message).toBe(
      "Invalid filter field: metadata.",
    );
    expect(refusal(() => parse({ _secret: "x" }, admin)).message).toBe(
      "Invalid filter field: _secret.",
    );
    expect(parse({ metadata: "x" })).not.toHaveProperty("selectsNothing");
  });

  it("ignores unknown parameters before 2.75 and refuses them from 2.75", () => {
    expect(parse({ colour: "blue" }, admin, "2.74")).not.toHaveProperty("selectsNothing");
    expect(refusal(() => parse({ colour: "blue" }, member, "2.75")).message).toMatch(
      /Additional properties are not allowed \('colour' was unexpected\)/,
    );
  });

  it("takes every status given; invalid ones are 400 from 2.38, an empty list before", () => {
    expect(parse({ status: ["active", "SHUTOFF", "nope"] })).toMatchObject({
      filters: { status: ["ACTIVE", "SHUTOFF"] },
    });
    expect(parse({ status: "nope" }, member, "2.37")).toMatchObject({ selectsNothing: true });
    expect(refusal(() => parse({ status: "nope" }, member, "2.38")).message).toBe(
      "Invalid status value",
    );
  });

  it("lists deleted servers for status DELETED to admins only", () => {
    expect(parse({ status: "DELETED" }, admin)).toMatchObject({
      filters: { status: ["DELETED"], deleted: true },
    });
    const err = refusal(() => parse({ status: "deleted" }));
    expect([err.status, err.message]).toEqual([
      403,
      "Only administrators may list deleted instances",
    ]);
  });

  it("includes deleted servers with changes-since/-before, which must be in order", () => {
    const q = parse({ "changes-since": "2026-01-02T03:04:05" }, member, "2.66");
    expect(q).toMatchObject({ filters: { changesSince: "2026-01-02T03:04:05.000Z" } });
    expect((q as { filters: object }).filters).not.toHaveProperty("deleted");
    expect(parse({ "changes-before": "2026-01-02T04:04:05+01:00" }, member, "2.66")).toMatchObject({
      filters: { changesBefore: "2026-01-02T03:04:05.000Z" },
    });
    expect(parse({ "changes-before": "2026-01-02" }, member, "2.65")).not.toHaveProperty(
      "filters.changesBefore",
    );
    const wrongOrder = { "changes-since": "2026-01-03", "changes-before": "2026-01-02" };
    expect(refusal(() => parse(wrongOrder, member, "2.66")).status).toBe(400);
    expect(refusal(() => parse({ "changes-since": "yesterday" })).message).toMatch(
      /changes-since.*is not a 'date-time'/,
    );
  });

  it("lists all projects for admins asking all_tenants, optionally one project", () => {
    expect(parse({ all_tenants: "1" }, admin)).toMatchObject({ allTenants: true });
    expect(parse({ all_tenants: "" }, admin)).toMatchObject({ allTenants: true });
    expect(parse({ all_tenants: "True", tenant_id: "p2" }, admin)).toMatchObject({
      allTenants: true,
      projectId: "p2",
    });
    expect(parse({ all_tenants: "0", project_id: "p2" }, admin)).toMatchObject({
      allTenants: false,
    });
    expect(parse({ all_tenants: "0", project_id: "p2" }, admin)).not.toHaveProperty("projectId");
    expect(refusal(() => parse({ all_tenants: "perhaps" }, admin)).status).toBe(400);
    // a user may say it; the service refuses it with the policy's 403
    expect(parse({ all_tenants: "1" })).toMatchObject({ allTenants: true });
  });

  it("answers ip and tag filters itself: no server has an address or a tag", () => {
    expect(parse({ ip: "10.0.0.1" })).toMatchObject({ selectsNothing: true });
    expect(parse({ ip6: "::1" }, member, "2.5")).toMatchObject({ selectsNothing: true });
    expect(parse({ tags: "a" }, member, "2.26")).toMatchObject({ selectsNothing: true });
    expect(parse({ "not-tags": "a" }, member, "2.26")).not.toHaveProperty("selectsNothing");
  });

  it("parses locked (2.73) strictly", () => {
    expect(parse({ locked: "false" }, member, "2.73")).toMatchObject({
      filters: { locked: false },
    });
    expect(refusal(() => parse({ locked: "maybe" }, member, "2.73")).status).toBe(400);
  });

  it("sorts by the keys given, directions defaulting to the first one given", () => {
    expect(sortOf({ sort_key: ["display_name", "created_at"], sort_dir: ["asc"] })).toEqual([
      { key: "display_name", dir: "asc" },
      { key: "created_at", dir: "asc" },
    ]);
    expect(sortOf({ sort_key: "display_name" })).toEqual([{ key: "display_name", dir: "desc" }]);
    expect(sortOf({ sort_dir: "asc" })).toEqual([{ key: "created_at", dir: "asc" }]);
  });

  it("drops ignored and column-less sort keys, refuses bad ones and host for users", () => {
    expect(
      sortOf({ sort_key: ["vcpus", "kernel_id", "uuid"], sort_dir: ["asc", "desc", "asc"] }),
    ).toEqual([{ key: "uuid", dir: "asc" }]);
    expect(refusal(() => parse({ sort_key: "vcpus" }, member, "2.75")).status).toBe(400);
    expect(sortOf({ sort_key: "locked" }, member, "2.73")).toEqual([
      { key: "locked", dir: "desc" },
    ]);
    expect(refusal(() => parse({ sort_key: "colour" })).status).toBe(400);
    expect(refusal(() => parse({ sort_dir: "up" })).message).toMatch(/Unknown sort direction/);
    expect(refusal(() => parse({ sort_key: "uuid", sort_dir: ["asc", "desc"] })).message).toMatch(
      /Sort direction size exceeds sort key size/,
    );
    const err = refusal(() => parse({ sort_key: "host" }));
    expect([err.status, err.message]).toEqual([
      403,
      "Only administrators can sort servers by host",
    ]);
    expect(sortOf({ sort_key: "host" }, admin)).toEqual([{ key: "host", dir: "desc" }]);
  });

  it("pages with limit and marker", () => {
    expect(parse({ limit: "5", marker: "m" })).toMatchObject({ limit: 5, marker: "m" });
    expect(parse({ limit: "5000" })).toMatchObject({ limit: 1000 });
    expect(refusal(() => parse({ limit: "-1" })).status).toBe(400);
  });
});
