// /compute/v2.1/servers over HTTP, in front of a fake conductor on the in-memory bus: routing,
// policy (member, reader, another project, admin-only), status codes, headers, shapes, and what
// reaches the bus (payloads, and the request id in every message's context).
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { anInstance, aService } from "../../../test/fixtures";
import { startTestWeb, type TestWeb } from "../../../test/harness";

let t: TestWeb;
beforeAll(async () => {
  t = await startTestWeb();
});
afterAll(async () => {
  await t?.close();
});
afterEach(() => {
  t.conductor.servers.clear();
  t.conductor.actions.clear();
  t.conductor.services.length = 0;
  t.conductor.calls.length = 0;
});

const IMAGE = "70a599e0-31e7-49b7-b260-868f441e862b";
const server = (body: Record<string, unknown> = {}) => ({
  server: { name: "web-1", imageRef: IMAGE, flavorRef: "1", ...body },
});

describe("POST /servers", () => {
  it("accepts a server: 202, Location, Nova's create body; the bus carries the request id", async () => {
    const res = await t.request("POST", "/compute/v2.1/servers", { body: server() });
    expect(res.status).toBe(202);
    const { server: created } = res.body;
    expect(Object.keys(created).sort()).toEqual(
      ["OS-DCF:diskConfig", "adminPass", "id", "links", "security_groups"].sort(),
    );
    expect(created.adminPass).toMatch(/^[2-9A-HJ-NP-Za-km-z]{12}$/);
    expect(created.security_groups).toEqual([{ name: "default" }]);
    expect(res.headers.get("location")).toBe(`${t.base}/compute/v2.1/servers/${created.id}`);

    const [call] = t.conductor.callsOf("create_servers");
    const requestId = res.headers.get("x-openstack-request-id");
    expect(call?.ctx).toEqual({
      requestId,
      userId: "alice",
      projectId: "p1",
      roles: ["member", "reader"],
      isAdmin: false,
    });
    expect(call?.payload).toMatchObject({ name: "web-1", imageRef: IMAGE, flavorRef: "1" });
    expect(t.logs.find((l) => l.msg === "servers accepted")?.requestId).toBe(requestId);
  });

  it("answers the reservation id when asked, for several servers", async () => {
    const res = await t.request("POST", "/compute/v2.1/servers", {
      body: server({ min_count: 2, max_count: 3, return_reservation_id: true }),
    });
    expect(res.status).toBe(202);
    expect(Object.keys(res.body)).toEqual(["reservation_id"]);
    expect(t.conductor.servers.size).toBe(3);
  });

  it("refuses readers (403), forced hosts to non-admins (403), and lets admins force one", async () => {
    const reader = await t.request("POST", "/compute/v2.1/servers", {
      token: "rita:p1:reader",
      body: server(),
    });
    expect(reader.status).toBe(403);
    expect(reader.body.forbidden.message).toBe(
      "Policy doesn't allow servers:create to be performed.",
    );
    const forced = server({ availability_zone: "nova:compute-b" });
    expect((await t.request("POST", "/compute/v2.1/servers", { body: forced })).status).toBe(403);
    const admin = await t.request("POST", "/compute/v2.1/servers", {
      token: "admin:p1",
      body: forced,
    });
    expect(admin.status).toBe(202);
    expect(t.conductor.callsOf("create_servers").at(-1)?.payload).toMatchObject({
      availabilityZone: "nova",
      forceHost: "compute-b",
    });
  });

  it("turns a missing flavor into 400, and bad bodies into Nova's 400", async () => {
    const missing = await t.request("POST", "/compute/v2.1/servers", {
      body: server({ flavorRef: "404" }),
    });
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({
      badRequest: { code: 400, message: "Flavor 404 could not be found." },
    });
    const bad = await t.request("POST", "/compute/v2.1/servers", { body: server({ name: " x" }) });
    expect(bad.status).toBe(400);
    expect(bad.body.badRequest.message).toMatch(/^Invalid input for field\/attribute name/);
    const at237 = await t.request("POST", "/compute/v2.1/servers", {
      version: "2.37",
      body: server(),
    });
    expect(at237.body.badRequest.message).toMatch(/'networks' is a required property/);
    // only the first request got as far as the conductor
    expect(t.conductor.callsOf("create_servers")).toHaveLength(1);
  });
});

describe("GET /servers/{id}", () => {
  it("shows the caller's server at the negotiated microversion", async () => {
    const inst = t.conductor.add(anInstance());
    const res = await t.request("GET", `/compute/v2.1/servers/${inst.uuid}`, { version: "2.47" });
    expect(res.status).toBe(200);
    expect(res.headers.get("openstack-api-version")).toBe("compute 2.47");
    expect(res.body.server).toMatchObject({
      id: inst.uuid,
      status: "ACTIVE",
      tenant_id: "p1",
      flavor: { original_name: "m1.tiny" },
    });
    expect(res.body.server).not.toHaveProperty("OS-EXT-SRV-ATTR:host");
    expect(t.conductor.callsOf("get_server")[0]?.payload).toEqual({
      uuid: inst.uuid,
      projectId: "p1",
    });
  });

  it("is 404 for another project's server and for a name, never 400", async () => {
    const theirs = t.conductor.add(anInstance({ projectId: "p2" }));
    for (const id of [theirs.uuid, "web-1", "x".repeat(300)]) {
      const res = await t.request("GET", `/compute/v2.1/servers/${id}`);
      expect(res.status).toBe(404);
      expect(res.body.itemNotFound.code).toBe(404);
    }
  });

  it("lets readers read; a user without a role gets 403 on a server, 404 on none", async () => {
    const inst = t.conductor.add(anInstance());
    const reader = await t.request("GET", `/compute/v2.1/servers/${inst.uuid}`, {
      token: "rita:p1:reader",
    });
    expect(reader.status).toBe(200);
    const noRole = await t.request("GET", `/compute/v2.1/servers/${inst.uuid}`, {
      token: "nobody:p1:none",
    });
    expect(noRole.status).toBe(403);
    const gone = await t.request(
      "GET",
      "/compute/v2.1/servers/8c1a9a09-1f4e-4a53-a0f6-3e2f9c1c0f00",
      {
        token: "nobody:p1:none",
      },
    );
    expect(gone.status).toBe(404);
  });

  it("shows admins any project's server with admin attributes and the host status", async () => {
    t.conductor.services.push(aService({ host: "compute-a", disabled: true }));
    const inst = t.conductor.add(anInstance({ projectId: "p2" }));
    const res = await t.request("GET", `/compute/v2.1/servers/${inst.uuid}`, {
      token: "admin:admin",
      version: "2.16",
    });
    expect(res.status).toBe(200);
    expect(res.body.server).toMatchObject({
      "OS-EXT-SRV-ATTR:host": "compute-a",
      host_status: "MAINTENANCE",
    });
    expect(t.conductor.callsOf("get_server")[0]?.payload.projectId).toBeNull();
    expect(t.conductor.callsOf("list_services")[0]?.payload).toEqual({ binary: "nova-compute" });
  });
});

describe("GET /servers and /servers/detail", () => {
  it("lists the caller's servers, newest first, with a next link on a full page", async () => {
    const older = t.conductor.add(anInstance({ createdAt: "2026-01-01T00:00:00.000Z" }));
    const newer = t.conductor.add(anInstance({ createdAt: "2026-01-02T00:00:00.000Z" }));
    t.conductor.add(anInstance({ projectId: "p2" }));
    const page = await t.request("GET", "/compute/v2.1/servers?limit=1&name=web");
    expect(page.status).toBe(200);
    expect(page.body.servers.map((s: { id: string }) => s.id)).toEqual([newer.uuid]);
    expect(Object.keys(page.body.servers[0]).sort()).toEqual(["id", "links", "name"]);
    expect(page.body.servers_links).toEqual([
      {
        rel: "next",
        href: `${t.base}/compute/v2.1/servers?limit=1&marker=${newer.uuid}&name=web`,
      },
    ]);
    const next = await t.request(
      "GET",
      `/compute/v2.1/servers?limit=1&name=web&marker=${newer.uuid}`,
    );
    expect(next.body.servers.map((s: { id: string }) => s.id)).toEqual([older.uuid]);
    const last = await t.request(
      "GET",
      `/compute/v2.1/servers?limit=1&name=web&marker=${older.uuid}`,
    );
    expect(last.body).toEqual({ servers: [] });
    const call = t.conductor.callsOf("list_servers")[0];
    expect(call?.payload).toMatchObject({
      projectId: "p1",
      filters: { name: "web", deleted: false },
    });
  });

  it("details servers, with host statuses for admins (2.16+)", async () => {
    t.conductor.services.push(aService({ host: "compute-a" }));
    t.conductor.add(anInstance({ projectId: "admin" }));
    const res = await t.request("GET", "/compute/v2.1/servers/detail", {
      token: "admin:admin",
      version: "2.100",
    });
    expect(res.status).toBe(200);
    expect(res.body.servers[0]).toMatchObject({ host_status: "UP", scheduler_hints: {} });
    expect(res.body.servers[0]).not.toHaveProperty("server_groups");
    expect(res.body).not.toHaveProperty("servers_links");
  });

  it("refuses all_tenants to users (403) and lists every project for admins", async () => {
    const user = await t.request("GET", "/compute/v2.1/servers/detail?all_tenants=1");
    expect(user.status).toBe(403);
    t.conductor.add(anInstance({ projectId: "p2" }));
    const admin = await t.request("GET", "/compute/v2.1/servers/detail?all_tenants=1", {
      token: "admin:admin",
    });
    expect(admin.body.servers).toHaveLength(1);
    expect(t.conductor.callsOf("list_servers").at(-1)?.payload.projectId).toBeNull();
  });

  it("answers filters that select nothing without asking, and refuses bad ones", async () => {
    const ip = await t.request("GET", "/compute/v2.1/servers?ip=10.0.0.1");
    expect(ip.body).toEqual({ servers: [] });
    // still after the policy checks
    const noRole = await t.request("GET", "/compute/v2.1/servers?ip=1", { token: "n:p1:none" });
    expect(noRole.status).toBe(403);
    const allTenants = await t.request("GET", "/compute/v2.1/servers?ip=1&all_tenants=1");
    expect(allTenants.status).toBe(403);
    const status = await t.request("GET", "/compute/v2.1/servers?status=BOGUS", {
      version: "2.38",
    });
    expect(status.status).toBe(400);
    expect(t.conductor.callsOf("list_servers")).toHaveLength(0);
    const marker = await t.request("GET", "/compute/v2.1/servers?marker=nope");
    expect(marker.status).toBe(400);
    expect(marker.body.badRequest.message).toBe("marker [nope] not found");
  });
});

describe("PUT and DELETE /servers/{id}", () => {
  it("renames a server and answers with the update view", async () => {
    const inst = t.conductor.add(anInstance());
    const res = await t.request("PUT", `/compute/v2.1/servers/${inst.uuid}`, {
      version: "2.19",
      body: { server: { name: "renamed", description: "front end" } },
    });
    expect(res.status).toBe(200);
    expect(res.body.server).toMatchObject({ name: "renamed", description: "front end" });
    expect(res.body.server).not.toHaveProperty("OS-EXT-STS:vm_state");
    expect(t.conductor.callsOf("update_server")[0]?.payload).toEqual({
      uuid: inst.uuid,
      projectId: "p1",
      changes: { name: "renamed", description: "front end" },
    });
  });

  it("refuses readers with 403 and other projects with 404, before any change", async () => {
    const inst = t.conductor.add(anInstance());
    const theirs = t.conductor.add(anInstance({ projectId: "p2" }));
    const body = { server: { name: "x" } };
    const reader = await t.request("PUT", `/compute/v2.1/servers/${inst.uuid}`, {
      token: "rita:p1:reader",
      body,
    });
    expect(reader.status).toBe(403);
    expect(t.conductor.callsOf("update_server")).toHaveLength(0);
    // a member's update goes out scoped to its project, which the conductor answers with 404
    const other = await t.request("PUT", `/compute/v2.1/servers/${theirs.uuid}`, { body });
    expect(other.status).toBe(404);
    expect(t.conductor.callsOf("update_server")[0]?.payload.projectId).toBe("p1");
    expect(t.conductor.servers.get(theirs.uuid)?.name).toBe("web-1");
  });

  it("deletes with 204 through the delete action; unknown servers are 404", async () => {
    const inst = t.conductor.add(anInstance());
    const res = await t.request("DELETE", `/compute/v2.1/servers/${inst.uuid}`);
    expect(res.status).toBe(204);
    expect(res.body).toBeNull();
    expect(t.conductor.callsOf("server_action")[0]?.payload).toEqual({
      uuid: inst.uuid,
      projectId: "p1",
      action: "delete",
    });
    const missing = await t.request(
      "DELETE",
      "/compute/v2.1/servers/8c1a9a09-1f4e-4a53-a0f6-3e2f9c1c0f00",
    );
    expect(missing.status).toBe(404);
  });

  it("answers 405 with Allow for a method a server path does not take", async () => {
    const res = await t.request("PATCH", "/compute/v2.1/servers/abc", { body: {} });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("DELETE, GET, HEAD, PUT");
  });
});
