import { describe, expect, it } from "vitest";
import type { ServerView } from "../trpc/routers/servers/views";
import { removeServer, upsertServer, type ServerPage } from "./servers-cache";

let n = 0;
const server = (over: Partial<ServerView> = {}): ServerView => {
  n++;
  return {
    id: `s${n}`,
    name: `web-${n}`,
    description: null,
    projectId: "p1",
    userId: "u1",
    status: "ACTIVE",
    vmState: "active",
    taskState: null,
    powerState: 1,
    powerStateName: "RUNNING",
    imageRef: "img",
    flavor: {
      id: "1",
      name: "m1.tiny",
      vcpus: 1,
      memoryMb: 512,
      rootGb: 1,
      ephemeralGb: 0,
      swap: 0,
    },
    availabilityZone: "nova",
    host: null,
    node: null,
    keyName: null,
    metadata: {},
    serverGroups: [],
    locked: false,
    lockedReason: null,
    progress: 0,
    fault: null,
    createdAt: `2026-11-21T08:${String(n).padStart(2, "0")}:00.000Z`,
    updatedAt: `2026-11-21T08:${String(n).padStart(2, "0")}:00.000Z`,
    launchedAt: null,
    deletedAt: null,
    ...over,
  };
};
const scope = { projectId: "p1" };
const page = (servers: ServerView[], nextMarker: string | null = null): ServerPage => ({
  servers,
  nextMarker,
});

describe("upsertServer", () => {
  it("changes a row in place, ignoring an update older than what is shown", () => {
    const a = server();
    const p = page([a]);
    const later = { ...a, status: "SHUTOFF", updatedAt: "2026-11-21T09:00:00.000Z" };
    expect(upsertServer(p, {}, scope, later, "updated").servers).toEqual([later]);
    const stale = { ...a, status: "ERROR", updatedAt: "2026-11-21T07:00:00.000Z" };
    expect(upsertServer(p, {}, scope, stale, "updated")).toBe(p);
  });

  it("puts a new server first in the default newest-first order, and trims a full page", () => {
    const [a, b] = [server(), server()];
    const fresh = server();
    const full = page([b, a]);
    const next = upsertServer(full, { limit: 2 }, scope, fresh, "created");
    expect(next.servers.map((s) => s.id)).toEqual([fresh.id, b.id]);
    expect(next.nextMarker).toBe(b.id);
  });

  it("leaves out a server of another project, one the filters exclude, and mere updates", () => {
    const p = page([server()]);
    expect(upsertServer(p, {}, scope, server({ projectId: "p2" }), "created")).toBe(p);
    expect(
      upsertServer(p, { allProjects: true }, scope, server({ projectId: "p2" }), "created").servers,
    ).toHaveLength(2);
    expect(upsertServer(p, { search: "db" }, scope, server({ name: "web-x" }), "created")).toBe(p);
    expect(
      upsertServer(p, { search: "DB" }, scope, server({ name: "my-db-1" }), "created").servers,
    ).toHaveLength(2);
    expect(
      upsertServer(p, { status: "ACTIVE" }, scope, server({ status: "BUILD" }), "created"),
    ).toBe(p);
    expect(upsertServer(p, {}, scope, server(), "updated")).toBe(p);
  });

  it("sorts by the page's column, and leaves what belongs on a later page", () => {
    const byName = { sort: { column: "name" as const, dir: "asc" as const }, limit: 3 };
    const p = page([server({ name: "a" }), server({ name: "c" })]);
    expect(
      upsertServer(p, byName, scope, server({ name: "b" }), "created").servers.map((s) => s.name),
    ).toEqual(["a", "b", "c"]);
    const more = page([server({ name: "a" }), server({ name: "c" })], "marker");
    expect(upsertServer(more, byName, scope, server({ name: "z" }), "created")).toBe(more);
    const second = page([server({ name: "m" })]);
    expect(
      upsertServer(second, { ...byName, marker: "x" }, scope, server({ name: "b" }), "created"),
    ).toBe(second);
  });
});

describe("removeServer", () => {
  it("drops the row, and keeps the page object when it is not there", () => {
    const [a, b] = [server(), server()];
    const p = page([a, b]);
    expect(removeServer(p, a.id).servers).toEqual([b]);
    expect(removeServer(p, "nope")).toBe(p);
  });
});
