// /os-services and /os-hypervisors over HTTP, in front of the fake conductor: admin only, the
// pre-2.53 and 2.53+ ways of naming services and hypervisors, and the deprecated routes.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { aComputeNode, anInstance, aService } from "../../../test/fixtures";
import { startTestWeb, type TestWeb } from "../../../test/harness";

let t: TestWeb;
beforeAll(async () => {
  t = await startTestWeb();
});
afterAll(async () => {
  await t?.close();
});

const admin = "admin:admin";

describe("os-services", () => {
  beforeEach(() => {
    t.conductor.services.push(
      aService({ id: 1, host: "compute-a" }),
      aService({ id: 2, host: "compute-b", up: false }),
      aService({ id: 3, host: "ctl", binary: "nova-scheduler", zone: "internal" }),
    );
  });
  afterEach(() => {
    t.conductor.services.length = 0;
    t.conductor.servers.clear();
    t.conductor.calls.length = 0;
  });

  it("lists services to admins only, filtered by host and binary", async () => {
    expect((await t.request("GET", "/compute/v2.1/os-services")).status).toBe(403);
    const all = await t.request("GET", "/compute/v2.1/os-services", { token: admin });
    expect(all.status).toBe(200);
    expect(all.body.services.map((s: { id: number; state: string }) => [s.id, s.state])).toEqual([
      [1, "up"],
      [2, "down"],
      [3, "up"],
    ]);
    await t.request("GET", "/compute/v2.1/os-services?host=compute-a&binary=nova-compute", {
      token: admin,
    });
    expect(t.conductor.callsOf("list_services").at(-1)?.payload).toEqual({
      host: "compute-a",
      binary: "nova-compute",
    });
    const at253 = await t.request("GET", "/compute/v2.1/os-services", {
      token: admin,
      version: "2.53",
    });
    expect(at253.body.services[0].id).toBe(t.conductor.services[0]?.uuid);
    const strict = await t.request("GET", "/compute/v2.1/os-services?colour=1", {
      token: admin,
      version: "2.75",
    });
    expect(strict.status).toBe(400);
  });

  it("disables with a reason, enables and forces down by uuid from 2.53", async () => {
    const uuid = t.conductor.services[0]?.uuid;
    const put = (body: unknown, id = uuid) =>
      t.request("PUT", `/compute/v2.1/os-services/${id}`, { token: admin, version: "2.53", body });
    const disabled = await put({ status: "disabled", disabled_reason: "maintenance" });
    expect(disabled.status).toBe(200);
    expect(disabled.body.service).toMatchObject({
      id: uuid,
      status: "disabled",
      disabled_reason: "maintenance",
      forced_down: false,
    });
    expect(t.conductor.callsOf("update_service")[0]?.payload).toEqual({
      ref: uuid,
      disabled: true,
      disabledReason: "maintenance",
    });
    expect((await put({ forced_down: true })).body.service).toMatchObject({
      forced_down: true,
      state: "down",
    });
    expect((await put({ status: "enabled", disabled_reason: "x" })).status).toBe(400);
    expect((await put({})).body.badRequest.message).toMatch(/^No updates were requested/);
    expect((await put({ status: "enabled" }, "compute-a")).body.badRequest.message).toBe(
      "Invalid uuid compute-a",
    );
    const scheduler = t.conductor.services[2]?.uuid;
    expect((await put({ status: "disabled" }, scheduler)).body.badRequest.message).toBe(
      "Updating a nova-scheduler service is not supported. Only nova-compute services can be updated.",
    );
    expect((await put({ status: "enabled" }, "8c1a9a09-1f4e-4a53-a0f6-3e2f9c1c0f00")).status).toBe(
      404,
    );
    const user = await t.request("PUT", `/compute/v2.1/os-services/${uuid}`, {
      version: "2.53",
      body: { status: "disabled" },
    });
    expect(user.status).toBe(403);
  });

  it("takes the legacy actions with host and binary in the body before 2.53", async () => {
    const body = { host: "compute-a", binary: "nova-compute" };
    const put = (action: string, extra = {}, version = "2.11") =>
      t.request("PUT", `/compute/v2.1/os-services/${action}`, {
        token: admin,
        version,
        body: { ...body, ...extra },
      });
    const disable = await put("disable-log-reason", { disabled_reason: "disk swap" });
    expect(disable.body).toEqual({
      service: { ...body, status: "disabled", disabled_reason: "disk swap" },
    });
    expect(t.conductor.callsOf("update_service")[0]?.payload).toEqual({
      ref: 1,
      disabled: true,
      disabledReason: "disk swap",
    });
    expect((await put("enable")).body).toEqual({ service: { ...body, status: "enabled" } });
    expect((await put("force-down", { forced_down: true })).body).toEqual({
      service: { ...body, forced_down: true },
    });
    // before 2.11 there is no force-down, and forced_down is not in the body schema
    expect((await put("force-down", {}, "2.10")).status).toBe(404);
    expect((await put("force-down", { forced_down: true }, "2.10")).status).toBe(400);
    expect((await put("disable-log-reason")).body.badRequest.message).toBe(
      "Missing disabled reason field",
    );
    expect((await put("reboot")).body.itemNotFound.message).toBe("Unknown action");
    const elsewhere = await t.request("PUT", "/compute/v2.1/os-services/disable", {
      token: admin,
      body: { host: "nowhere", binary: "nova-compute" },
    });
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.body.itemNotFound.message).toBe(
      "Could not find binary nova-compute on host nowhere.",
    );
  });

  it("deletes by id (uuid from 2.53), refusing while the host has servers", async () => {
    t.conductor.add(anInstance({ host: "compute-a" }));
    const busy = await t.request("DELETE", "/compute/v2.1/os-services/1", { token: admin });
    expect(busy.status).toBe(409);
    expect(
      (await t.request("DELETE", "/compute/v2.1/os-services/x", { token: admin })).status,
    ).toBe(400);
    expect(
      (await t.request("DELETE", "/compute/v2.1/os-services/2", { token: admin })).status,
    ).toBe(204);
    const uuid = t.conductor.services.find((s) => s.id === 3)?.uuid;
    const v253 = { token: admin, version: "2.53" };
    expect((await t.request("DELETE", "/compute/v2.1/os-services/3", v253)).status).toBe(400);
    expect((await t.request("DELETE", `/compute/v2.1/os-services/${uuid}`, v253)).status).toBe(204);
    expect(t.conductor.services.map((s) => s.id)).toEqual([1]);
    expect((await t.request("DELETE", "/compute/v2.1/os-services/1")).status).toBe(403);
  });
});

describe("os-hypervisors", () => {
  const SERVER = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa";
  beforeEach(() => {
    t.conductor.nodes.push(
      { ...aComputeNode({ id: 1 }), servers: [{ uuid: SERVER, name: "web-1" }] },
      aComputeNode(
        { id: 2, hypervisorHostname: "compute-b", host: "compute-b" },
        { disabled: true },
      ),
    );
  });
  afterEach(() => {
    t.conductor.nodes.length = 0;
    t.conductor.calls.length = 0;
  });

  it("lists and details hypervisors to admins, paged from 2.33", async () => {
    expect((await t.request("GET", "/compute/v2.1/os-hypervisors")).status).toBe(403);
    const list = await t.request("GET", "/compute/v2.1/os-hypervisors", { token: admin });
    expect(list.body).toEqual({
      hypervisors: [
        { id: 1, hypervisor_hostname: "compute-a", state: "up", status: "enabled" },
        { id: 2, hypervisor_hostname: "compute-b", state: "up", status: "disabled" },
      ],
    });
    const page = await t.request("GET", "/compute/v2.1/os-hypervisors/detail?limit=1", {
      token: admin,
      version: "2.33",
    });
    expect(page.body.hypervisors).toHaveLength(1);
    expect(page.body.hypervisors[0]).toHaveProperty("memory_mb_used", 512);
    expect(page.body.hypervisors_links).toEqual([
      { rel: "next", href: `${t.base}/compute/v2.1/os-hypervisors/detail?limit=1&marker=1` },
    ]);
    const next = await t.request("GET", "/compute/v2.1/os-hypervisors/detail?limit=1&marker=1", {
      token: admin,
      version: "2.33",
    });
    expect(next.body.hypervisors.map((h: { id: number }) => h.id)).toEqual([2]);
  });

  it("searches by hostname pattern and lists servers with query parameters from 2.53", async () => {
    const found = await t.request(
      "GET",
      "/compute/v2.1/os-hypervisors?hypervisor_hostname_pattern=compute-a&with_servers=true",
      { token: admin, version: "2.53" },
    );
    expect(found.body.hypervisors).toEqual([
      {
        id: t.conductor.nodes[0]?.uuid,
        hypervisor_hostname: "compute-a",
        state: "up",
        status: "enabled",
        servers: [{ name: `instance-${SERVER}`, uuid: SERVER }],
      },
    ]);
    const none = await t.request(
      "GET",
      "/compute/v2.1/os-hypervisors?hypervisor_hostname_pattern=nope",
      { token: admin, version: "2.53" },
    );
    expect(none.status).toBe(404);
    expect(none.body.itemNotFound.message).toBe("No hypervisor matching 'nope' could be found.");
    const paged = await t.request(
      "GET",
      "/compute/v2.1/os-hypervisors?hypervisor_hostname_pattern=compute&limit=1",
      { token: admin, version: "2.53" },
    );
    expect(paged.status).toBe(400);
  });

  it("keeps the search and servers routes before 2.53 only", async () => {
    const search = await t.request("GET", "/compute/v2.1/os-hypervisors/compute/search", {
      token: admin,
    });
    expect(search.body.hypervisors.map((h: { id: number }) => h.id)).toEqual([1, 2]);
    const servers = await t.request("GET", "/compute/v2.1/os-hypervisors/compute-a/servers", {
      token: admin,
    });
    expect(servers.body.hypervisors[0].servers).toEqual([
      { name: `instance-${SERVER}`, uuid: SERVER },
    ]);
    const gone = await t.request("GET", "/compute/v2.1/os-hypervisors/compute/search", {
      token: admin,
      version: "2.53",
    });
    expect(gone.status).toBe(404);
  });

  it("shows one by integer id before 2.53 and by uuid from 2.53", async () => {
    const old = await t.request("GET", "/compute/v2.1/os-hypervisors/1", { token: admin });
    expect(old.body.hypervisor).toMatchObject({ id: 1, cpu_info: expect.any(String) });
    expect(
      (await t.request("GET", "/compute/v2.1/os-hypervisors/x", { token: admin })).status,
    ).toBe(404);
    const uuid = t.conductor.nodes[0]?.uuid;
    const v288 = await t.request("GET", `/compute/v2.1/os-hypervisors/${uuid}?with_servers=1`, {
      token: admin,
      version: "2.88",
    });
    expect(Object.keys(v288.body.hypervisor).sort()).toEqual(
      [
        "host_ip",
        "hypervisor_hostname",
        "hypervisor_type",
        "hypervisor_version",
        "id",
        "servers",
        "service",
        "state",
        "status",
        "uptime",
      ].sort(),
    );
    const bad = await t.request("GET", "/compute/v2.1/os-hypervisors/1", {
      token: admin,
      version: "2.53",
    });
    expect(bad.body.badRequest.message).toBe("Invalid uuid 1");
    const missing = await t.request(
      "GET",
      "/compute/v2.1/os-hypervisors/8c1a9a09-1f4e-4a53-a0f6-3e2f9c1c0f00",
      { token: admin, version: "2.53" },
    );
    expect(missing.status).toBe(404);
  });

  it("sums statistics over enabled services until 2.88; no uptime tracked (501)", async () => {
    const stats = await t.request("GET", "/compute/v2.1/os-hypervisors/statistics", {
      token: admin,
    });
    expect(stats.body.hypervisor_statistics).toMatchObject({ count: 1, vcpus: 2 });
    const gone = await t.request("GET", "/compute/v2.1/os-hypervisors/statistics", {
      token: admin,
      version: "2.88",
    });
    expect(gone.status).toBe(404);
    const uptime = await t.request("GET", "/compute/v2.1/os-hypervisors/1/uptime", {
      token: admin,
    });
    expect(uptime.status).toBe(501);
  });
});
