// The web server over real HTTP, without Next.js: routing, the REST foundations end to end,
// tRPC, socket.io, refused upgrades, the request log and graceful shutdown.
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { Writable } from "node:stream";
import { createMemoryBus } from "@nimbus/rpc/memory";
import { pino } from "pino";
import { io as ioClient, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { parseWebConfig } from "../env";
import type { RestRoutes } from "../rest/app";
import { parseBody } from "../rest/body";
import { MAX_MICROVERSION } from "../rest/microversion";
import { serveFakeConductor } from "../../test/fake-conductor";
import { fakeKeystone } from "../../test/fake-keystone";
import { upgradeStatus } from "../../test/upgrade";
import { issueToken } from "../services/identity";
import { createWebServer, type WebServer } from "./web-server";

// The only compute resource here: it reads a JSON body, as every create/action handler will.
const echo: RestRoutes["compute"][number] = (r) => {
  r.post("/echo", async (c) => c.json(await parseBody(c, z.object({ echo: z.unknown() }))));
};

const logLines: Record<string, unknown>[] = [];
const logSink = new Writable({
  write(chunk: Buffer, _enc, done) {
    for (const line of chunk.toString().split("\n").filter(Boolean))
      logLines.push(JSON.parse(line));
    done();
  },
});

let web: WebServer;
let base: string;
const token = { "x-auth-token": "alice:p1" };

beforeAll(async () => {
  const config = parseWebConfig({ NIMBUS_LOG_LEVEL: "info", NIMBUS_AUTH_STRATEGY: "noauth2" });
  web = await createWebServer({
    config,
    log: pino({ level: "info" }, logSink),
    bus: createMemoryBus(),
    withNext: false,
    routes: { compute: [echo], identity: [], image: [] },
  });
  const address = await web.listen(0, "127.0.0.1");
  base = `http://127.0.0.1:${address.port}`;
});

afterAll(async () => {
  await web?.close();
});

async function get(path: string, headers: Record<string, string> = {}) {
  return fetch(base + path, { headers, redirect: "manual" });
}

async function expectHealthy() {
  const res = await get("/healthz");
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ status: "ok" });
}

describe("web server (REST, tRPC, socket.io; no Next.js)", () => {
  it("answers /healthz", async () => {
    await expectHealthy();
  });

  it("lists compute versions at /compute/ with request id headers", async () => {
    const res = await get("/compute/");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const id = res.headers.get("x-openstack-request-id");
    expect(id).toMatch(/^req-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(res.headers.get("x-compute-request-id")).toBe(id);
    const body = await res.json();
    expect(body.versions.map((v: { id: string }) => v.id)).toEqual(["v2.0", "v2.1"]);
    expect(body.versions[1]).toEqual({
      id: "v2.1",
      status: "CURRENT",
      version: MAX_MICROVERSION,
      min_version: "2.1",
      updated: "2013-07-23T11:33:21Z",
      links: [{ rel: "self", href: `${base}/compute/v2.1/` }],
    });
  });

  it("redirects /compute/v2.1 to /compute/v2.1/ with 302", async () => {
    const res = await get("/compute/v2.1");
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`${base}/compute/v2.1/`);
  });

  it("serves the v2.1 document without a token, at the negotiated microversion", async () => {
    const plain = await get("/compute/v2.1/");
    expect(plain.status).toBe(200);
    expect(plain.headers.get("openstack-api-version")).toBe("compute 2.1");
    expect(plain.headers.get("x-openstack-nova-api-version")).toBe("2.1");
    expect(plain.headers.get("vary")).toContain("OpenStack-API-Version");
    const { version } = await plain.json();
    expect(version).toMatchObject({
      id: "v2.1",
      status: "CURRENT",
      version: MAX_MICROVERSION,
      min_version: "2.1",
    });
    expect(version["media-types"]).toEqual([
      { base: "application/json", type: "application/vnd.openstack.compute+json;version=2.1" },
    ]);
    const latest = await get("/compute/v2.1/", { "OpenStack-API-Version": "compute latest" });
    expect(latest.headers.get("openstack-api-version")).toBe(`compute ${MAX_MICROVERSION}`);
    const legacy = await get("/compute/v2.1/", { "X-OpenStack-Nova-API-Version": "2.47" });
    expect(legacy.headers.get("x-openstack-nova-api-version")).toBe("2.47");
  });

  it("builds links from X-Forwarded-Proto/Host", async () => {
    const res = await get("/compute/", {
      "X-Forwarded-Proto": "https",
      "X-Forwarded-Host": "cloud.example",
    });
    const body = await res.json();
    expect(body.versions[1].links[0].href).toBe("https://cloud.example/compute/v2.1/");
  });

  it("refuses an out-of-range microversion with 406", async () => {
    const res = await get("/compute/v2.1/", { "OpenStack-API-Version": "compute 2.1000" });
    expect(res.status).toBe(406);
    expect(await res.json()).toEqual({
      computeFault: {
        code: 406,
        message: `Version 2.1000 is not supported by the API. Minimum is 2.1 and maximum is ${MAX_MICROVERSION}.`,
      },
    });
    await expectHealthy();
  });

  it("refuses a request without a token with 401", async () => {
    const res = await get("/compute/v2.1/servers");
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      unauthorized: { code: 401, message: "The request you have made requires authentication." },
    });
  });

  it("answers an unknown route with 404 in Nova's shape", async () => {
    const res = await get("/compute/v2.1/no-such-thing", token);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      itemNotFound: { code: 404, message: "The resource could not be found." },
    });
    expect(res.headers.get("x-compute-request-id")).toMatch(/^req-/);
  });

  it("answers malformed JSON with 400", async () => {
    const res = await fetch(`${base}/compute/v2.1/echo`, {
      method: "POST",
      headers: { ...token, "content-type": "application/json" },
      body: '{"echo": ',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      badRequest: { code: 400, message: "Malformed request body" },
    });
    const ok = await fetch(`${base}/compute/v2.1/echo`, {
      method: "POST",
      headers: { ...token, "content-type": "application/json" },
      body: '{"echo": [1, 2]}',
    });
    expect(await ok.json()).toEqual({ echo: [1, 2] });
    await expectHealthy();
  });

  it("answers a body over 1 MiB with 413, whether its length is declared or chunked", async () => {
    const huge = JSON.stringify({ echo: "x".repeat(2 * 1024 * 1024) });
    const declared = await rawPost("/compute/v2.1/echo", huge, {
      "content-length": String(Buffer.byteLength(huge)),
    });
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.body)).toEqual({
      overLimit: { code: 413, message: "Request is too large." },
    });
    const chunked = await rawPost("/compute/v2.1/echo", huge, { "transfer-encoding": "chunked" });
    expect(chunked.status).toBe(413);
    await expectHealthy();
  });

  it("serves tRPC at /api/trpc", async () => {
    const res = await get("/api/trpc/health.check");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ result: { data: { json: { status: "ok" } } } });
  });

  it("serves socket.io on the same port (refusing a socket without a session)", async () => {
    const socket = ioClient(base, { transports: ["websocket"], reconnection: false });
    try {
      expect(await next(socket, "connect_error")).toMatchObject({ message: "signed-out" });
    } finally {
      socket.close();
    }
  });

  it("refuses other websocket upgrades with 404 (the console proxy's seam)", async () => {
    const status = await upgradeStatus(base, "/websockify?token=x");
    expect(status).toBe("HTTP/1.1 404 Not Found");
    await expectHealthy();
  });

  it("logs one line per request with method, path, status, duration and request id", async () => {
    const res = await get("/compute/?probe=1");
    const id = res.headers.get("x-openstack-request-id");
    await res.arrayBuffer();
    const deadline = Date.now() + 2000;
    let line: Record<string, unknown> | undefined;
    while (
      !(line = logLines.find((l) => l.requestId === id && l.msg === "request")) &&
      Date.now() < deadline
    ) {
      await new Promise((r) => setImmediate(r));
    }
    expect(line).toMatchObject({ method: "GET", path: "/compute/", status: 200 });
    expect(typeof line?.durationMs).toBe("number");
  });
});

describe("graceful shutdown", () => {
  it("closes with idle keep-alive and socket.io clients connected, then refuses connections", async () => {
    const config = parseWebConfig({
      NIMBUS_LOG_LEVEL: "silent",
      NIMBUS_WEB_SHUTDOWN_GRACE_MS: "5000",
    });
    // A signed-in dashboard's live socket: Keystone tokens, on a stand-in conductor.
    const bus = createMemoryBus();
    const project = { id: "1".repeat(32), name: "p1" };
    const user = {
      id: "a".repeat(32),
      name: "alice",
      password: "pw",
      roles: { [project.id]: ["member"] },
    };
    const keystone = fakeKeystone(bus, { users: [user], projects: [project] });
    await serveFakeConductor(bus, keystone.handlers);
    const { token } = await issueToken(
      { bus, requestId: "req-test" },
      { user: { id: user.id }, password: "pw", scope: { project: { id: project.id } } },
    );
    const own = await createWebServer({
      config,
      log: pino({ level: "silent" }),
      bus,
      withNext: false,
    });
    const { port } = await own.listen(0, "127.0.0.1");
    const url = `http://127.0.0.1:${port}`;

    const socket = ioClient(url, {
      transports: ["websocket"],
      reconnection: false,
      extraHeaders: { cookie: `nimbus_session=${token}` },
    });
    await next(socket, "connect");
    const disconnected = next(socket, "disconnect");
    const keepAlive = await fetch(`${url}/healthz`); // undici keeps this connection open
    await keepAlive.arrayBuffer();

    const started = Date.now();
    await own.close();
    expect(Date.now() - started).toBeLessThan(4000); // did not need the grace period's forced close
    expect(await disconnected).toBe("io server disconnect");
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    await bus.close();
  });
});

/** The first argument of a socket.io client's next `event`. */
function next(socket: Socket, event: "connect" | "connect_error" | "disconnect") {
  return new Promise<unknown>((resolve) => socket.once(event, resolve));
}

/** POST through node:http so the body can be sent with a declared length or chunked. */
function rawPost(path: string, body: string, headers: Record<string, string>) {
  return new Promise<{ status: number; headers: IncomingHttpHeaders; body: string }>(
    (resolve, reject) => {
      const url = new URL(base + path);
      const req = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: "POST",
          headers: { ...token, "content-type": "application/json", ...headers },
          agent: false, // the server drops a connection whose oversized body it refused
        },
        (res) => {
          answered = true;
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (d: string) => (text += d));
          res.on("end", () =>
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }),
          );
        },
      );
      // The server may answer and close before the whole body is sent; the answer is what counts.
      let answered = false;
      req.on("error", (err) => {
        if (!answered) reject(err);
      });
      req.end(body);
    },
  );
}
