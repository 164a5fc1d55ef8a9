// The dashboard's server side over real HTTP and socket.io, on the in-memory bus with a stand-in
// conductor and Keystone: the session cookie (set, checked, re-scoped, revoked), CSRF refusals,
// errors in the API's words, policy for a reader, and live events per project.
import { instanceUpdateEvent, type Bus } from "@nimbus/rpc";
import { createMemoryBus, type MemoryBus } from "@nimbus/rpc/memory";
import { pino } from "pino";
import { io as ioClient, type Socket } from "socket.io-client";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { serveFakeConductor, type FakeConductor } from "../../test/fake-conductor";
import { fakeKeystone, type FakeKeystone } from "../../test/fake-keystone";
import { anInstance } from "../../test/fixtures";
import { parseWebConfig } from "../env";
import { tokenHashOf } from "../services/identity";
import { createWebServer, type WebServer } from "../server/web-server";

const P1 = { id: "1".repeat(32), name: "p1" };
const P2 = { id: "2".repeat(32), name: "p2" };
const alice = {
  id: "a".repeat(32),
  name: "alice",
  password: "alice's secret",
  roles: { [P1.id]: ["member", "reader"], [P2.id]: ["reader"] },
  defaultProjectId: P1.id,
};
const rita = {
  id: "r".repeat(32),
  name: "rita",
  password: "rita's",
  roles: { [P1.id]: ["reader"] },
};

let bus: MemoryBus;
let conductor: FakeConductor;
let keystone: FakeKeystone;
let web: WebServer;
let base: string;

beforeAll(async () => {
  bus = createMemoryBus();
  keystone = fakeKeystone(bus, { users: [alice, rita], projects: [P1, P2] });
  conductor = await serveFakeConductor(bus, keystone.handlers);
  const config = parseWebConfig({ NIMBUS_LOG_LEVEL: "silent" });
  web = await createWebServer({ config, log: pino({ level: "silent" }), bus, withNext: false });
  const { port } = await web.listen(0, "127.0.0.1");
  base = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  await web?.close();
  await bus?.close();
});
beforeEach(() => {
  conductor.servers.clear();
  conductor.calls.length = 0;
});

interface Call {
  status: number;
  setCookie: string | null;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  data: any;
  error: { message: string; data: { code: string; sessionExpired: boolean } } | null;
}

/** One tRPC call as the browser makes it (superjson envelopes, cookie, Origin). */
async function trpc(
  kind: "query" | "mutation",
  path: string,
  input: unknown,
  opts: { cookie?: string; origin?: string | null; headers?: Record<string, string> } = {},
): Promise<Call> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.cookie) headers.cookie = `nimbus_session=${opts.cookie}`;
  const origin = opts.origin === undefined ? base : opts.origin;
  if (origin) headers.origin = origin;
  const envelope = JSON.stringify({ json: input });
  const res =
    kind === "query"
      ? await fetch(`${base}/api/trpc/${path}?input=${encodeURIComponent(envelope)}`, { headers })
      : await fetch(`${base}/api/trpc/${path}`, {
          method: "POST",
          headers: { "content-type": "application/json", ...headers },
          body: envelope,
        });
  const body = await res.json();
  return {
    status: res.status,
    setCookie: res.headers.get("set-cookie"),
    data: body.result?.data?.json,
    error: body.error?.json ?? null,
  };
}

const cookieOf = (setCookie: string | null) => /nimbus_session=([^;]*)/.exec(setCookie ?? "")?.[1];

async function signIn(user: { name: string; password: string }, project?: string) {
  const res = await trpc("mutation", "session.login", {
    username: user.name,
    password: user.password,
    ...(project && { project }),
  });
  expect(res.status, JSON.stringify(res.error)).toBe(200);
  return cookieOf(res.setCookie)!;
}

describe("the session", () => {
  it("signs in into an HttpOnly SameSite=Lax cookie that lives as long as the token", async () => {
    const res = await trpc("mutation", "session.login", {
      username: "alice",
      password: alice.password,
    });
    expect(res.status).toBe(200);
    expect(res.data).toMatchObject({ userName: "alice", projectId: P1.id, projectName: "p1" });
    expect(res.setCookie).toMatch(
      /^nimbus_session=[A-Za-z0-9_-]{43}; Path=\/; Expires=.*; Max-Age=(3599|3600); HttpOnly; SameSite=Lax$/,
    );
    const token = cookieOf(res.setCookie)!;
    expect(keystone.tokens.has(tokenHashOf(token))).toBe(true);
    const me = await trpc("query", "session.me", undefined, { cookie: token });
    expect(me.data).toMatchObject({
      userId: alice.id,
      roles: ["member", "reader"],
      isAdmin: false,
    });
  });

  it("says why a sign-in failed, and refuses one from another site", async () => {
    const wrong = await trpc("mutation", "session.login", { username: "alice", password: "x" });
    expect(wrong.status).toBe(401);
    expect(wrong.error?.message).toBe("Wrong user name or password.");
    expect(wrong.setCookie).toBeNull();
    const noRole = await trpc("mutation", "session.login", {
      username: "rita",
      password: rita.password,
      project: "p2",
    });
    expect(noRole.error?.message).toBe(
      "Wrong user name or password, or no access to that project.",
    );
    const crossSite = await trpc(
      "mutation",
      "session.login",
      { username: "alice", password: alice.password },
      { origin: "https://evil.example" },
    );
    expect(crossSite.status).toBe(403);
    expect(crossSite.error?.message).toBe("This request did not come from the dashboard.");
    expect(crossSite.setCookie).toBeNull();
  });

  it("scopes a user without a default project to the first project with a role", async () => {
    const token = await signIn(rita);
    expect((await trpc("query", "session.me", undefined, { cookie: token })).data.projectId).toBe(
      P1.id,
    );
  });

  it("reads the session from the cookie only, and says when it has ended", async () => {
    const token = await signIn(alice);
    const header = await trpc("query", "session.me", undefined, {
      headers: { "x-auth-token": token },
    });
    expect(header.status).toBe(401);
    expect(header.error).toMatchObject({
      message: "Sign in to continue.",
      data: { sessionExpired: false },
    });

    keystone.now += 3600_000;
    try {
      const expired = await trpc("query", "session.me", undefined, { cookie: token });
      expect(expired.status).toBe(401);
      expect(expired.error).toMatchObject({
        message: "Your session has ended. Sign in again.",
        data: { sessionExpired: true },
      });
      // The dead cookie is cleared with the answer.
      expect(expired.setCookie).toMatch(/^nimbus_session=; .*Max-Age=0/);
    } finally {
      keystone.now -= 3600_000;
    }
  });

  it("switches project with a re-scoped token and revokes the old one", async () => {
    const token = await signIn(alice);
    const projects = await trpc("query", "session.projects", undefined, { cookie: token });
    expect(projects.data.map((p: { name: string }) => p.name)).toEqual(["p1", "p2"]);
    const switched = await trpc(
      "mutation",
      "session.switchProject",
      { projectId: P2.id },
      { cookie: token },
    );
    expect(switched.data).toMatchObject({ projectId: P2.id, roles: ["reader"] });
    const next = cookieOf(switched.setCookie)!;
    expect(next).not.toBe(token);
    expect(keystone.revoked.has(tokenHashOf(token))).toBe(true);
    // The new cookie expires with the first token.
    expect(keystone.tokens.get(tokenHashOf(next))!.expiresAt).toBe(
      keystone.tokens.get(tokenHashOf(token))!.expiresAt,
    );
    expect((await trpc("query", "session.me", undefined, { cookie: token })).status).toBe(401);
    const refused = await trpc(
      "mutation",
      "session.switchProject",
      { projectId: "9".repeat(32) },
      { cookie: next },
    );
    expect(refused.error?.message).toBe("You have no role on that project.");
  });

  it("signs out: the token is revoked and the cookie cleared", async () => {
    const token = await signIn(alice);
    const out = await trpc("mutation", "session.logout", undefined, { cookie: token });
    expect(out.status).toBe(200);
    expect(out.setCookie).toMatch(/^nimbus_session=; .*Max-Age=0/);
    expect(keystone.revoked.has(tokenHashOf(token))).toBe(true);
    expect((await trpc("query", "session.me", undefined, { cookie: token })).status).toBe(401);
  });
});

describe("procedures", () => {
  it("list the session's project through the service layer, one page at a time", async () => {
    for (const name of ["a", "b", "c"]) conductor.add(anInstance({ name, projectId: P1.id }));
    conductor.add(anInstance({ name: "other", projectId: P2.id }));
    const token = await signIn(alice);
    const page = await trpc(
      "query",
      "servers.list",
      { limit: 2, sort: { column: "name", dir: "asc" } },
      { cookie: token },
    );
    // The stand-in does not sort; the conductor does, in SQL (see the call below).
    expect(page.data.servers).toHaveLength(2);
    expect(page.data.servers.every((s: { projectId: string }) => s.projectId === P1.id)).toBe(true);
    expect(page.data.nextMarker).toBe(page.data.servers[1].id);
    // Host attributes are an admin's.
    expect(page.data.servers[0].host).toBeNull();
    const [call] = conductor.callsOf("list_servers");
    expect(call?.payload).toMatchObject({
      projectId: P1.id,
      limit: 3,
      sort: [{ key: "display_name", dir: "asc" }],
      filters: { deleted: false },
    });
    expect(call?.ctx).toMatchObject({
      userId: alice.id,
      projectId: P1.id,
      roles: ["member", "reader"],
    });
    const search = await trpc("query", "servers.list", { search: "a.b" }, { cookie: token });
    expect(search.data.servers).toEqual([]);
    expect(conductor.callsOf("list_servers")[1]?.payload).toMatchObject({
      filters: { name: "a\\.b" },
    });
  });

  it("carry the API's own message, and refuse a reader's action as the API does", async () => {
    const stopped = conductor.add(
      anInstance({ projectId: P1.id, vmState: "stopped", powerState: 4 }),
    );
    const member = await signIn(alice);
    const conflict = await trpc(
      "mutation",
      "servers.action",
      { id: stopped.uuid, action: "stop" },
      { cookie: member },
    );
    expect(conflict.status).toBe(409);
    expect(conflict.error?.message).toBe(
      `Cannot 'stop' instance ${stopped.uuid} while it is in vm_state stopped`,
    );
    const reader = await signIn(rita);
    const refused = await trpc(
      "mutation",
      "servers.action",
      { id: stopped.uuid, action: "start" },
      { cookie: reader },
    );
    expect(refused.status).toBe(403);
    expect(refused.error?.message).toBe("Policy doesn't allow servers:start to be performed.");
    // A mutation with the cookie but from another site never reaches the service.
    const csrf = await trpc(
      "mutation",
      "servers.action",
      { id: stopped.uuid, action: "start" },
      { cookie: member, origin: "https://evil.example" },
    );
    expect(csrf.status).toBe(403);
    expect(conductor.callsOf("server_action")).toHaveLength(1);
  });
});

describe("live", () => {
  const connect = (token?: string, origin = base) =>
    ioClient(base, {
      transports: ["websocket"],
      reconnection: false,
      extraHeaders: { origin, ...(token && { cookie: `nimbus_session=${token}` }) },
    });
  const once = <T>(socket: Socket, event: string) =>
    new Promise<T>((resolve) => socket.once(event, (arg: T) => resolve(arg)));

  it("refuses a socket without a session or from another site", async () => {
    for (const [socket, reason] of [
      [connect(), "signed-out"],
      [connect(await signIn(alice), "https://evil.example"), "origin"],
    ] as const) {
      const err = await once<{ message: string }>(socket, "connect_error");
      expect(err.message).toBe(reason);
      socket.close();
    }
  });

  it("pushes a project's server changes to its members only, and ends at sign-out", async () => {
    const aliceToken = await signIn(alice);
    const ritaToken = await signIn(rita);
    const inP1 = connect(aliceToken);
    const inP2 = connect(await signIn(alice, "p2"));
    const reader = connect(ritaToken);
    try {
      await Promise.all([inP1, inP2, reader].map((s) => once(s, "connect")));
      const p2Events: unknown[] = [];
      inP2.on("server", (e) => p2Events.push(e));
      const instance = anInstance({ projectId: P1.id, taskState: "powering-off" });
      const [forAlice, forRita] = [once(inP1, "server"), once(reader, "server")];
      await bus.publish(instanceUpdateEvent, { instance }, { ctx: { requestId: "req-live" } });
      for (const e of await Promise.all([forAlice, forRita])) {
        expect(e).toMatchObject({
          kind: "updated",
          server: { id: instance.uuid, status: "ACTIVE", taskState: "powering-off", host: null },
        });
      }
      expect(p2Events).toEqual([]);

      const ended = once(inP1, "disconnect");
      await trpc("mutation", "session.logout", undefined, { cookie: aliceToken });
      expect(await ended).toBe("io server disconnect");
      expect(reader.connected).toBe(true);
    } finally {
      for (const s of [inP1, inP2, reader]) s.close();
    }
  });

  it("subscribes to notifications only while a socket is connected", async () => {
    // The same bus, with the live subscriptions (instance.*) counted as they open and close.
    const open = new Set<object>();
    const counting = new Proxy(bus, {
      get(target, key) {
        if (key === "subscribe") {
          return async (patterns: string[], fn: Parameters<Bus["subscribe"]>[1]) => {
            const sub = await target.subscribe(patterns, fn);
            if (!patterns.includes("instance.*")) return sub;
            const mark = {};
            open.add(mark);
            return { close: () => (open.delete(mark), sub.close()) };
          };
        }
        const value: unknown = Reflect.get(target, key, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const config = parseWebConfig({ NIMBUS_LOG_LEVEL: "silent" });
    const quiet = await createWebServer({
      config,
      log: pino({ level: "silent" }),
      bus: counting,
      withNext: false,
      liveIdleMs: 50,
    });
    const { port } = await quiet.listen(0, "127.0.0.1");
    const url = `http://127.0.0.1:${port}`;
    const token = await signIn(alice);
    const join = () =>
      ioClient(url, {
        transports: ["websocket"],
        reconnection: false,
        extraHeaders: { origin: url, cookie: `nimbus_session=${token}` },
      });
    try {
      expect(open.size).toBe(0);
      for (let round = 0; round < 2; round++) {
        const socket = join();
        await once(socket, "connect");
        expect(open.size).toBe(1);
        const pushed = once(socket, "server");
        const instance = anInstance({ projectId: P1.id });
        await bus.publish(instanceUpdateEvent, { instance }, { ctx: { requestId: "req-idle" } });
        expect(await pushed).toMatchObject({ server: { id: instance.uuid } });
        socket.close();
        await expect.poll(() => open.size, { timeout: 5_000 }).toBe(0);
      }
    } finally {
      await quiet.close();
    }
  });
});
