// The console proxy on a real port, with consoleauth and the bus in memory and a fake VNC display
// on localhost: the Origin check before the upgrade, each refusal as a close code with plain
// words, the relay, the session limit, the ends a session can have, and the log line it leaves.
import { createHash } from "node:crypto";
import { once } from "node:events";
import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import { createServer, type AddressInfo, type Server, type Socket } from "node:net";
import {
  checkConsoleToken,
  handler,
  instanceDeleteEvent,
  instanceUpdateEvent,
  systemContext,
} from "@nimbus/rpc";
import { CONSOLE_CLOSE, type ConsoleRefusal } from "@nimbus/rpc/domain";
import { createMemoryBus, type MemoryBus } from "@nimbus/rpc/memory";
import { capturingLogger, waitFor } from "@nimbus/rpc/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { anInstance } from "../../test/fixtures";
import { upgradeStatus } from "../../test/upgrade";
import { createConsoleProxy, type ConsoleProxy, type ConsoleProxyOptions } from "./proxy";

const GREETING = "RFB 003.008\n";
const UUID = "5b0cbd3c-3b36-4d3a-9a3f-1e0f2a8c9d11";
const EXPIRES = "2026-11-21T10:10:00.000Z";

let bus: MemoryBus;
let proxy: ConsoleProxy;
let http: HttpServer;
let vnc: Server;
let base: string;
let logs: Record<string, unknown>[];
/** What consoleauth answers per token. */
let tokens: Map<string, ConsoleRefusal | { port: number }>;
/** The guest side of every display connection, in order. */
let displays: Socket[];
let checks: number;

async function listen(server: Server | HttpServer): Promise<number> {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return (server.address() as AddressInfo).port;
}

async function start(options: Partial<ConsoleProxyOptions> = {}) {
  const captured = capturingLogger("info");
  logs = captured.lines;
  proxy = await createConsoleProxy({
    bus,
    log: captured.logger,
    origins: { allowed: ["https://dashboard.example"] },
    maxSessionsPerToken: 2,
    idleMs: 0,
    maxMs: 0,
    connectTimeoutMs: 2_000,
    ...options,
  });
  http = createHttpServer((req, res) => void proxy.status(req, res));
  http.on("upgrade", (req, socket, head) => proxy.onUpgrade(req, socket, head));
  base = `127.0.0.1:${await listen(http)}`;
}

beforeEach(async () => {
  bus = createMemoryBus();
  tokens = new Map();
  displays = [];
  checks = 0;
  vnc = createServer((socket) => {
    displays.push(socket);
    socket.write(GREETING);
    socket.on("data", (d) => socket.write(d)); // echo what the browser sends
    socket.on("error", () => undefined);
  });
  const vncPort = await listen(vnc);
  await bus.serve({ service: "consoleauth" }, [
    handler(checkConsoleToken, ({ token }) => {
      checks++;
      const entry = tokens.get(token) ?? "token_unknown";
      if (typeof entry === "string") {
        return { valid: false as const, reason: entry, message: CONSOLE_CLOSE[entry].text };
      }
      return {
        valid: true as const,
        tokenHash: createHash("sha256").update(token).digest("hex"),
        consoleType: "novnc" as const,
        instanceUuid: UUID,
        computeHost: "node1",
        host: "127.0.0.1",
        port: entry.port || vncPort,
        userId: "alice",
        projectId: "p1",
        expiresAt: EXPIRES,
      };
    }),
  ]);
  tokens.set("good", { port: 0 });
  await start();
});

afterEach(async () => {
  await proxy.close();
  http.close();
  for (const d of displays) d.destroy();
  vnc.close();
  await bus.close();
});

interface Opened {
  ws: WebSocket;
  /** everything received, as text */
  received(): string;
  closed: Promise<{ code: number; reason: string }>;
}

function open(token: string | null, origin = `http://${base}`): Opened {
  const query = token === null ? "" : `?token=${token}`;
  const ws = new WebSocket(`ws://${base}/console/websockify${query}`, { origin });
  let text = "";
  ws.on("message", (d: Buffer) => (text += d.toString("latin1")));
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.once("close", (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  ws.on("error", () => undefined);
  return { ws, received: () => text, closed };
}

async function connected(token = "good"): Promise<Opened> {
  const o = open(token);
  await waitFor(() => o.received().startsWith(GREETING), { what: "the RFB greeting" });
  return o;
}

const sessionEnds = () => logs.filter((l) => l.msg === "console session ended");

describe("before the upgrade", () => {
  it("refuses a page of another origin with 403, and serves only its own path", async () => {
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`ws://${base}/console/websockify?token=good`, {
        origin: "http://evil.example",
      });
      ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      ws.on("error", () => undefined);
    });
    expect(status).toBe(403);
    expect(checks).toBe(0);
    expect(logs.some((l) => l.msg === "console origin refused")).toBe(true);
    expect(await upgradeStatus(`http://${base}`, "/websockify?token=good")).toBe(
      "HTTP/1.1 404 Not Found",
    );
  });

  it("lets in the operator's allowed origins and clients that send none", async () => {
    const allowed = open("good", "https://dashboard.example");
    await waitFor(() => allowed.received().startsWith(GREETING));
    const ws = new WebSocket(`ws://${base}/console/websockify?token=good`);
    const first = await new Promise<string>((r) => ws.once("message", (d: Buffer) => r(`${d}`)));
    expect(first).toBe(GREETING);
    ws.close();
  });
});

describe("after the upgrade", () => {
  it("relays the display's bytes and the browser's both ways", async () => {
    const o = await connected();
    o.ws.send(Buffer.from("hello display"));
    await waitFor(() => o.received() === `${GREETING}hello display`);
    o.ws.close();
    await o.closed;
    await waitFor(() => sessionEnds().length === 1);
    expect(sessionEnds()[0]).toMatchObject({
      user: "alice",
      project: "p1",
      instance: UUID,
      bytesFromClient: 13,
      bytesToClient: GREETING.length + 13,
      reason: "client_left",
      closeCode: 1005,
    });
    expect(sessionEnds()[0]!.durationMs).toEqual(expect.any(Number));
  });

  it.each([
    "token_unknown",
    "token_expired",
    "instance_deleted",
    "instance_not_running",
    "instance_busy",
    "host_mismatch",
  ] as const)("closes with the code and words of a %s refusal", async (reason) => {
    tokens.set("t", reason);
    const closed = await open("t").closed;
    expect(closed).toEqual({
      code: CONSOLE_CLOSE[reason].code,
      reason: CONSOLE_CLOSE[reason].text,
    });
    expect(displays).toHaveLength(0);
  });

  it("closes a URL without a token as incomplete", async () => {
    expect((await open(null).closed).code).toBe(CONSOLE_CLOSE.token_missing.code);
  });

  it("says the console service is not answering when consoleauth is not there", async () => {
    const lonely = createMemoryBus();
    await proxy.close();
    http.close();
    bus = lonely;
    await start();
    const closed = await open("good").closed;
    expect(closed.code).toBe(CONSOLE_CLOSE.service_unavailable.code);
  });

  it("says the host is unreachable when the display does not accept", async () => {
    const dead = createServer();
    const port = await listen(dead);
    dead.close();
    tokens.set("gone", { port });
    const closed = await open("gone").closed;
    expect(closed).toEqual({
      code: CONSOLE_CLOSE.host_unreachable.code,
      reason: CONSOLE_CLOSE.host_unreachable.text,
    });
  });

  it("opens at most the limit of sessions per token", async () => {
    const a = await connected();
    await connected();
    const third = await open("good").closed;
    expect(third.code).toBe(CONSOLE_CLOSE.too_many_sessions.code);
    a.ws.close();
    await waitFor(() => proxy.sessions === 1);
    await connected();
  });
});

describe("ending a session", () => {
  it("closes it when the instance is stopped, in words that say so", async () => {
    const o = await connected();
    const other = anInstance({ uuid: "00000000-0000-4000-8000-000000000001" });
    await bus.publish(instanceUpdateEvent, { instance: other }, { ctx: systemContext() });
    const stopped = anInstance({ uuid: UUID, vmState: "stopped", powerState: 4 });
    await bus.publish(instanceUpdateEvent, { instance: stopped }, { ctx: systemContext() });
    expect(await o.closed).toEqual({ code: 4008, reason: "The instance was stopped." });
    await waitFor(() => sessionEnds().length === 1);
    expect(sessionEnds()[0]).toMatchObject({ reason: "instance_stopped", closeCode: 4008 });
  });

  it("keeps it while the instance pauses, reboots, or is on its way down (to watch it go)", async () => {
    const o = await connected();
    for (const change of [
      { vmState: "paused", powerState: 3 },
      { vmState: "active", powerState: 1, taskState: "rebooting" },
      { vmState: "active", powerState: 1, taskState: "powering-off" },
    ] as const) {
      const instance = anInstance({ uuid: UUID, ...change });
      await bus.publish(instanceUpdateEvent, { instance }, { ctx: systemContext() });
    }
    await bus.idle();
    o.ws.send(Buffer.from("still there?"));
    await waitFor(() => o.received().endsWith("still there?"), { what: "the echo" });
  });

  it("closes it when the instance is deleted", async () => {
    const o = await connected();
    await bus.publish(
      instanceDeleteEvent,
      { uuid: UUID, projectId: "p1", name: "vm" },
      { ctx: systemContext() },
    );
    expect(await o.closed).toEqual({ code: 4003, reason: "The instance was deleted." });
  });

  it("explains a display that went away by asking about the token again", async () => {
    const rebooting = await connected();
    tokens.set("good", "instance_busy");
    displays[0]!.destroy();
    expect((await rebooting.closed).code).toBe(CONSOLE_CLOSE.instance_busy.code);

    tokens.set("good", { port: 0 });
    const blip = await connected();
    displays[1]!.destroy();
    expect((await blip.closed).code).toBe(CONSOLE_CLOSE.display_closed.code);

    // Stopped: the stop's own code, in consoleauth's words.
    const halted = await connected();
    tokens.set("good", "instance_not_running");
    displays[2]!.destroy();
    expect(await halted.closed).toEqual({
      code: CONSOLE_CLOSE.instance_stopped.code,
      reason: CONSOLE_CLOSE.instance_not_running.text,
    });
  });

  it("tells open sessions the proxy is restarting when it closes", async () => {
    const o = await connected();
    await proxy.close();
    expect((await o.closed).code).toBe(CONSOLE_CLOSE.proxy_shutdown.code);
  });

  it("ends idle sessions", async () => {
    await proxy.close();
    http.close();
    await start({ idleMs: 150 });
    const o = await connected();
    expect((await o.closed).code).toBe(CONSOLE_CLOSE.idle_timeout.code);
  });
});

describe("the token's status (a plain GET of the websocket URL)", () => {
  const get = async (query: string) => {
    const res = await fetch(`http://${base}/console/websockify${query}`);
    return { status: res.status, cache: res.headers.get("cache-control"), body: await res.json() };
  };

  it("tells the page when a token expires, or why it opens nothing", async () => {
    expect(await get("?token=good")).toEqual({
      status: 200,
      cache: "no-store",
      body: { valid: true, instanceUuid: UUID, expiresAt: EXPIRES },
    });
    tokens.set("old", "token_expired");
    expect((await get("?token=old")).body).toEqual({
      valid: false,
      reason: "token_expired",
      code: 4002,
      message: CONSOLE_CLOSE.token_expired.text,
    });
    expect((await get("")).body.reason).toBe("token_missing");
  });
});
