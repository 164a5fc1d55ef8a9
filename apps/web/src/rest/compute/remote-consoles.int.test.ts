// POST /servers/{id}/remote-consoles and the os-getVNCConsole action over HTTP, in front of the fake
// conductor and a consoleauth that records what it is asked to issue.
import { authorizeConsole, handler, type RequestContext } from "@nimbus/rpc";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { anInstance } from "../../../test/fixtures";
import { startTestWeb, type TestWeb } from "../../../test/harness";

const TOKEN = "A".repeat(43);
const EXPIRES = "2026-11-21T10:10:00.000Z";

let t: TestWeb;
let issued: { request: Record<string, unknown>; ctx: RequestContext }[] = [];
beforeAll(async () => {
  t = await startTestWeb();
  await t.bus.serve({ service: "consoleauth" }, [
    handler(authorizeConsole, (req, meta) => {
      issued.push({ request: req, ctx: meta.ctx });
      return { token: TOKEN, expiresAt: EXPIRES };
    }),
  ]);
});
afterAll(async () => {
  await t?.close();
});
afterEach(() => {
  t.conductor.servers.clear();
  t.conductor.calls.length = 0;
  issued = [];
});

const create = (uuid: string, body: unknown, opts: { token?: string; version?: string } = {}) =>
  t.request("POST", `/compute/v2.1/servers/${uuid}/remote-consoles`, {
    body,
    version: "2.6",
    ...opts,
  });

const action = (uuid: string, body: unknown, version = "2.1") =>
  t.request("POST", `/compute/v2.1/servers/${uuid}/action`, { body, version });

const vnc = { remote_console: { protocol: "vnc", type: "novnc" } };

function expectConsoleUrl(url: string) {
  const u = new URL(url);
  expect(`${u.protocol}//${u.host}`).toBe(t.base);
  expect(u.pathname).toBe("/console");
  expect(u.searchParams.get("path")).toBe(`console/websockify?token=${TOKEN}`);
}

describe("POST /servers/{id}/remote-consoles", () => {
  it("answers a noVNC URL whose token consoleauth issued for the server's display", async () => {
    const server = t.conductor.add(anInstance());
    const res = await create(server.uuid, vnc);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.remote_console).sort()).toEqual(["protocol", "type", "url"]);
    expect(res.body.remote_console).toMatchObject({ protocol: "vnc", type: "novnc" });
    expectConsoleUrl(res.body.remote_console.url);

    const [info] = t.conductor.callsOf("console_connect_info");
    expect(info?.payload).toEqual({ uuid: server.uuid, projectId: "p1" });
    expect(issued).toHaveLength(1);
    expect(issued[0]!.request).toEqual({
      consoleType: "novnc",
      instanceUuid: server.uuid,
      computeHost: "compute-a",
      host: "127.0.0.1",
      port: 5900,
    });
    expect(issued[0]!.ctx).toMatchObject({ userId: "alice", projectId: "p1" });
    expect(issued[0]!.ctx.requestId).toBe(res.headers.get("x-openstack-request-id"));
  });

  it("does not exist below 2.6", async () => {
    const server = t.conductor.add(anInstance());
    const res = await create(server.uuid, vnc, { version: "2.5" });
    expect(res.status).toBe(404);
  });

  it.each([
    ["2.6", { protocol: "spice", type: "spice-html5" }, "Unavailable console type spice-html5."],
    ["2.6", { protocol: "serial", type: "serial" }, "Unavailable console type serial."],
    ["2.6", { protocol: "vnc", type: "xvpvnc" }, "Unavailable console type xvpvnc."],
    ["2.6", { protocol: "vnc", type: "spice-html5" }, "Invalid console type spice-html5"],
    ["2.8", { protocol: "mks", type: "webmks" }, "Unavailable console type webmks."],
  ])(
    "at %s refuses %j with a 400, as Nova does for types it does not serve",
    async (v, rc, msg) => {
      const server = t.conductor.add(anInstance());
      const res = await create(server.uuid, { remote_console: rc }, { version: v });
      expect(res.status).toBe(400);
      expect(res.body.badRequest.message).toBe(msg);
    },
  );

  it.each([
    [{ remote_console: { protocol: "mks", type: "webmks" } }, "2.6"],
    [{ remote_console: { protocol: "vnc" } }, "2.6"],
    [{ remote_console: { protocol: "vnc", type: "novnc", extra: 1 } }, "2.6"],
    [{ remote_console: { protocol: "vnc", type: "spice-direct" } }, "2.98"],
    [{}, "2.6"],
  ])("refuses the malformed body %j at %s", async (body, version) => {
    const server = t.conductor.add(anInstance());
    const res = await create(server.uuid, body, { version });
    expect(res.status).toBe(400);
    expect(t.conductor.callsOf("console_connect_info")).toEqual([]);
  });

  it("is 404 for a server that does not exist or is another project's, whatever the type", async () => {
    const theirs = t.conductor.add(anInstance({ projectId: "p2" }));
    for (const uuid of [theirs.uuid, "00000000-0000-4000-8000-000000000000"]) {
      expect((await create(uuid, vnc)).status).toBe(404);
      const spice = { remote_console: { protocol: "spice", type: "spice-html5" } };
      expect((await create(uuid, spice)).status).toBe(404);
    }
  });

  it("is 409 'not ready' for a server without a running guest", async () => {
    const server = t.conductor.add(anInstance({ vmState: "stopped", powerState: 4 }));
    const res = await create(server.uuid, vnc);
    expect(res.status).toBe(409);
    expect(res.body.conflictingRequest.message).toBe(`Instance ${server.uuid} is not ready`);
  });

  it("needs a member: a reader of the project is refused by the policy", async () => {
    const server = t.conductor.add(anInstance());
    const res = await create(server.uuid, vnc, { token: "carol:p1:reader" });
    expect(res.status).toBe(403);
    expect(res.body.forbidden.message).toBe(
      "Policy doesn't allow servers:remote_consoles to be performed.",
    );
  });
});

describe("the os-getVNCConsole action", () => {
  it("answers {console: {type, url}} from 2.1 to 2.5", async () => {
    const server = t.conductor.add(anInstance());
    for (const version of ["2.1", "2.5"]) {
      const res = await action(server.uuid, { "os-getVNCConsole": { type: "novnc" } }, version);
      expect(res.status).toBe(200);
      expect(Object.keys(res.body.console).sort()).toEqual(["type", "url"]);
      expect(res.body.console.type).toBe("novnc");
      expectConsoleUrl(res.body.console.url);
    }
  });

  it("is gone from 2.6, where remote-consoles replaced it", async () => {
    const server = t.conductor.add(anInstance());
    const res = await action(server.uuid, { "os-getVNCConsole": { type: "novnc" } }, "2.6");
    expect(res.status).toBe(404);
  });

  it("refuses xvpvnc as unavailable and a missing type as malformed", async () => {
    const server = t.conductor.add(anInstance());
    const xvp = await action(server.uuid, { "os-getVNCConsole": { type: "xvpvnc" } });
    expect(xvp.status).toBe(400);
    expect(xvp.body.badRequest.message).toBe("Unavailable console type xvpvnc.");
    expect((await action(server.uuid, { "os-getVNCConsole": {} })).status).toBe(400);
  });
});
