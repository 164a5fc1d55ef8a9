// POST /servers/{id}/action and /servers/{id}/os-instance-actions over HTTP, in front of the fake
// conductor (which applies the real action guards from @nimbus/rpc/domain).
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { anAction, anInstance } from "../../../test/fixtures";
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
  t.conductor.calls.length = 0;
});

const act = (uuid: string, body: unknown, opts: { token?: string; version?: string } = {}) =>
  t.request("POST", `/compute/v2.1/servers/${uuid}/action`, { body, ...opts });

describe("server actions", () => {
  it.each([
    [{ "os-stop": null }, "stop", 202],
    [{ pause: {} }, "pause", 202],
    [{ suspend: null }, "suspend", 202],
    [{ reboot: { type: "SOFT" } }, "reboot-soft", 202],
    [{ reboot: { type: "hard" } }, "reboot-hard", 202],
    [{ resize: { flavorRef: "http://cloud/compute/flavors/2" } }, "resize", 202],
  ] as const)("%j runs %s and answers %i with no body", async (body, action, status) => {
    const inst = t.conductor.add(anInstance());
    const res = await act(inst.uuid, body);
    expect(res.status).toBe(status);
    expect(res.body).toBeNull();
    const [call] = t.conductor.callsOf("server_action");
    expect(call?.payload).toMatchObject({ uuid: inst.uuid, projectId: "p1", action });
    if (action === "resize") expect(call?.payload.flavorRef).toBe("2");
    expect(call?.ctx.requestId).toBe(res.headers.get("x-openstack-request-id"));
  });

  it("answers a server in the wrong state with Nova's 409", async () => {
    const inst = t.conductor.add(anInstance({ vmState: "stopped", powerState: 4 }));
    const res = await act(inst.uuid, { "os-stop": null });
    expect(res.status).toBe(409);
    expect(res.body).toEqual({
      conflictingRequest: {
        code: 409,
        message: `Cannot 'stop' instance ${inst.uuid} while it is in vm_state stopped`,
      },
    });
    // start is allowed there, and then a second start meets the task state it set
    expect((await act(inst.uuid, { "os-start": null })).status).toBe(202);
    const again = await act(inst.uuid, { "os-start": null });
    expect(again.status).toBe(409);
    expect(again.body.conflictingRequest.message).toMatch(/task_state powering-on$/);
  });

  it("answers confirmResize with 204 and revertResize with 202 (from VERIFY_RESIZE)", async () => {
    const inst = t.conductor.add(anInstance({ vmState: "resized" }));
    expect((await act(inst.uuid, { confirmResize: null })).status).toBe(204);
    const other = t.conductor.add(anInstance({ vmState: "resized" }));
    expect((await act(other.uuid, { revertResize: null })).status).toBe(202);
    const active = t.conductor.add(anInstance());
    expect((await act(active.uuid, { confirmResize: null })).status).toBe(409);
  });

  it("refuses unknown actions (400), bodies with more than one action, and says 501 for Nova's others", async () => {
    const inst = t.conductor.add(anInstance());
    const unknown = await act(inst.uuid, { frobnicate: null });
    expect(unknown.status).toBe(400);
    expect(unknown.body.badRequest.message).toBe("There is no such action: frobnicate");
    const two = await act(inst.uuid, { pause: null, unpause: null });
    expect(two.body.badRequest.message).toBe("Malformed request body");
    const rebuild = await act(inst.uuid, { rebuild: { imageRef: inst.imageRef } });
    expect(rebuild.status).toBe(501);
    expect(rebuild.body.notImplemented.code).toBe(501);
    const badType = await act(inst.uuid, { reboot: { type: "GENTLE" } });
    expect(badType.status).toBe(400);
    const noFlavor = await act(inst.uuid, { resize: {} });
    expect(noFlavor.body.badRequest.message).toMatch(/'flavorRef' is a required property/);
    expect(t.conductor.callsOf("server_action")).toHaveLength(0);
  });

  it("is 404 for another project's server and 403 for a reader, before acting", async () => {
    const theirs = t.conductor.add(anInstance({ projectId: "p2" }));
    expect((await act(theirs.uuid, { "os-stop": null })).status).toBe(404);
    const mine = t.conductor.add(anInstance());
    const reader = await act(mine.uuid, { "os-stop": null }, { token: "rita:p1:reader" });
    expect(reader.status).toBe(403);
    expect(t.conductor.servers.get(mine.uuid)?.taskState).toBeNull();
  });

  it("keeps os-resetState for admins and passes the state", async () => {
    const inst = t.conductor.add(anInstance({ vmState: "error" }));
    const user = await act(inst.uuid, { "os-resetState": { state: "active" } });
    expect(user.status).toBe(403);
    const admin = await act(
      inst.uuid,
      { "os-resetState": { state: "active" } },
      { token: "admin:x" },
    );
    expect(admin.status).toBe(202);
    expect(t.conductor.callsOf("server_action").at(-1)?.payload).toMatchObject({
      action: "reset-state",
      resetTo: "active",
      projectId: null,
    });
    const bad = await act(
      inst.uuid,
      { "os-resetState": { state: "stopped" } },
      { token: "admin:x" },
    );
    expect(bad.status).toBe(400);
  });

  it("locks with a reason from 2.73 and shows it; before 2.73 any lock body is fine", async () => {
    const inst = t.conductor.add(anInstance());
    const locked = await act(inst.uuid, { lock: { locked_reason: "audit" } }, { version: "2.73" });
    expect(locked.status).toBe(202);
    const show = await t.request("GET", `/compute/v2.1/servers/${inst.uuid}`, { version: "2.73" });
    expect(show.body.server).toMatchObject({ locked: true, locked_reason: "audit" });
    // a locked server refuses users' actions
    const stop = await act(inst.uuid, { "os-stop": null });
    expect(stop.body.conflictingRequest.message).toBe(`Instance ${inst.uuid} is locked`);
    expect((await act(inst.uuid, { unlock: null })).status).toBe(202);
    const other = t.conductor.add(anInstance());
    expect((await act(other.uuid, { lock: { anything: 1 } }, { version: "2.72" })).status).toBe(
      202,
    );
    expect((await act(other.uuid, { lock: { anything: 1 } }, { version: "2.73" })).status).toBe(
      400,
    );
  });

  it("returns the console output (control characters stripped), the last N lines", async () => {
    const inst = t.conductor.add(anInstance());
    const all = await act(inst.uuid, { "os-getConsoleOutput": { length: -1 } });
    expect(all.status).toBe(200);
    expect(all.body).toEqual({ output: "Booting\nRun /init\nlogin:" });
    const last = await act(inst.uuid, { "os-getConsoleOutput": { length: "1" } });
    expect(last.body).toEqual({ output: "login:" });
    expect(t.conductor.callsOf("console_output").map((c) => c.payload.length)).toEqual([
      undefined,
      1,
    ]);
    expect((await act(inst.uuid, { "os-getConsoleOutput": { length: -2 } })).status).toBe(400);
  });

  it("turns a resize to a missing flavor into 400", async () => {
    const inst = t.conductor.add(anInstance());
    const res = await act(inst.uuid, { resize: { flavorRef: "404" } });
    expect(res.status).toBe(400);
    expect(res.body.badRequest.message).toBe("Flavor 404 could not be found.");
  });
});

describe("os-instance-actions", () => {
  it("lists a server's actions and shows one with its events by request id", async () => {
    const inst = t.conductor.add(anInstance());
    const stop = await act(inst.uuid, { "os-stop": null });
    const requestId = stop.headers.get("x-openstack-request-id");
    const list = await t.request("GET", `/compute/v2.1/servers/${inst.uuid}/os-instance-actions`);
    expect(list.status).toBe(200);
    expect(list.body.instanceActions).toEqual([
      {
        action: "stop",
        instance_uuid: inst.uuid,
        request_id: requestId,
        user_id: "alice",
        project_id: "p1",
        start_time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/),
        message: null,
      },
    ]);
    const one = await t.request(
      "GET",
      `/compute/v2.1/servers/${inst.uuid}/os-instance-actions/${requestId}`,
    );
    expect(one.status).toBe(200);
    expect(one.body.instanceAction).toMatchObject({ action: "stop", request_id: requestId });
    // users see no events before 2.51
    expect(one.body.instanceAction).not.toHaveProperty("events");
    const missing = await t.request(
      "GET",
      `/compute/v2.1/servers/${inst.uuid}/os-instance-actions/req-nope`,
    );
    expect(missing.status).toBe(404);
    expect(missing.body.itemNotFound.message).toBe("Action req-nope not found");
  });

  it("shows events with details (the scheduler's explanation) to the project from 2.84", async () => {
    const inst = t.conductor.add(anInstance());
    const action = anAction({ instanceUuid: inst.uuid });
    t.conductor.actions.set(inst.uuid, [action]);
    const path = `/compute/v2.1/servers/${inst.uuid}/os-instance-actions/${action.requestId}`;
    const admin = await t.request("GET", path, { token: "admin:x", version: "2.84" });
    expect(admin.body.instanceAction.events).toEqual([
      {
        event: "conductor_schedule_and_build_instances",
        start_time: "2026-01-02T03:04:05.678000",
        finish_time: "2026-01-02T03:04:05.678000",
        result: "Success",
        traceback: null,
        host: "conductor-1",
        hostId: expect.stringMatching(/^[0-9a-f]{56}$/),
        details: '{"hostsConsidered":2}',
      },
    ]);
    // A member sees the explanation too (the policy table says why), but not the host or traceback.
    const user = await t.request("GET", path, { version: "2.84" });
    expect(Object.keys(user.body.instanceAction.events[0]).sort()).toEqual(
      ["details", "event", "finish_time", "hostId", "result", "start_time"].sort(),
    );
  });

  it("pages from 2.58 with limit and marker, and refuses unknown parameters there", async () => {
    const inst = t.conductor.add(anInstance());
    const a = anAction({ instanceUuid: inst.uuid });
    const b = anAction({ instanceUuid: inst.uuid, action: "stop" });
    t.conductor.actions.set(inst.uuid, [b, a]);
    const path = `/compute/v2.1/servers/${inst.uuid}/os-instance-actions`;
    const page = await t.request("GET", `${path}?limit=1`, { version: "2.58" });
    expect(page.body.instanceActions.map((x: { action: string }) => x.action)).toEqual(["stop"]);
    expect(page.body.instanceActions[0]).toHaveProperty("updated_at");
    expect(page.body.links).toEqual([
      { rel: "next", href: `${t.base}${path}?limit=1&marker=${b.requestId}` },
    ]);
    const next = await t.request("GET", `${path}?limit=1&marker=${b.requestId}`, {
      version: "2.58",
    });
    expect(next.body.instanceActions.map((x: { action: string }) => x.action)).toEqual(["create"]);
    const unknown = await t.request("GET", `${path}?colour=blue`, { version: "2.58" });
    expect(unknown.status).toBe(400);
    const since = await t.request("GET", `${path}?changes-since=2026-01-01T00:00:00Z`, {
      version: "2.58",
    });
    expect(since.status).toBe(200);
    expect(t.conductor.callsOf("list_instance_actions").at(-1)?.payload.changesSince).toBe(
      "2026-01-01T00:00:00.000Z",
    );
    const before = await t.request("GET", `${path}?changes-before=2026-01-01T00:00:00Z`, {
      version: "2.58",
    });
    expect(before.status).toBe(400); // changes-before arrives with 2.66
  });

  it("is 404 for another project's server", async () => {
    const theirs = t.conductor.add(anInstance({ projectId: "p2" }));
    const res = await t.request("GET", `/compute/v2.1/servers/${theirs.uuid}/os-instance-actions`);
    expect(res.status).toBe(404);
  });
});
