// The websocket → VNC console proxy (Nova's nova-novncproxy), in the web process. A browser opens
// CONSOLE_WEBSOCKET_PATH?token=…; the proxy checks the page's Origin (before the upgrade: 403),
// asks consoleauth what the token opens (after it: every refusal is a 4000-range close code whose
// reason says why in plain words), connects to the guest's display and relays bytes both ways.
// Sessions end when the instance stops or goes away (instance notifications), at the limits, or
// when either side leaves; each end is one log line: who, which instance, how long, bytes, why.
// docs/console.md follows a session through the processes.
import type { IncomingMessage, ServerResponse } from "node:http";
import { connect, type Socket } from "node:net";
import type { Duplex } from "node:stream";
import { checkConsoleToken, systemContext, type Bus, type Subscription } from "@nimbus/rpc";
import {
  CONSOLE_CLOSE,
  CONSOLE_WEBSOCKET_PATH,
  consoleStateOf,
  instanceStoppedText,
  type ConsoleCloseReason,
} from "@nimbus/rpc/domain";
import { WebSocket, WebSocketServer } from "ws";
import type { z } from "zod";
import type { Logger } from "../logger";
import { checkOrigin, type OriginPolicy } from "./origin";
import { Relay, type RelayEnd } from "./relay";
import { SessionRegistry, type Session } from "./sessions";
import type { UpgradeHandler } from "./upgrade";

type CheckReply = z.output<(typeof checkConsoleToken)["reply"]>;
type Grant = Extract<CheckReply, { valid: true }>;

export interface ConsoleProxyOptions {
  bus: Bus;
  log: Logger;
  origins: OriginPolicy;
  /** NIMBUS_CONSOLE_MAX_SESSIONS_PER_TOKEN */
  maxSessionsPerToken: number;
  /** NIMBUS_CONSOLE_IDLE_TIMEOUT, in ms; 0: never */
  idleMs: number;
  /** NIMBUS_CONSOLE_MAX_SESSION, in ms; 0: no limit */
  maxMs: number;
  /** how long the guest's display may take to accept the connection */
  connectTimeoutMs?: number;
}

export interface ConsoleProxy {
  /** The web server's upgrade seam: console websockets only (anything else is a 404). */
  onUpgrade: UpgradeHandler;
  /** A plain GET of the websocket's URL: what the token opens (its expiry) or why it does not. */
  status(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** Sessions open now. */
  readonly sessions: number;
  /** Close every session ("the proxy is restarting") and stop listening to notifications. */
  close(): Promise<void>;
}

const CHECK_TIMEOUT_MS = 10_000;

function refuseBeforeUpgrade(socket: Duplex, status: 403 | 404, text: string): void {
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\n` +
      `Content-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
  );
}

function tokenOf(req: IncomingMessage): string | null {
  return new URL(req.url ?? "/", "http://proxy").searchParams.get("token") || null;
}

/** Connect to the display, or fail after the timeout. */
function connectDisplay(host: string, port: number, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const tcp = connect({ host, port });
    const fail = (err: Error) => {
      tcp.destroy();
      reject(err);
    };
    tcp.setTimeout(timeoutMs, () => fail(new Error(`no answer within ${timeoutMs} ms`)));
    tcp.once("error", fail);
    tcp.once("connect", () => {
      tcp.setTimeout(0);
      tcp.off("error", fail);
      resolve(tcp);
    });
  });
}

export async function createConsoleProxy(opts: ConsoleProxyOptions): Promise<ConsoleProxy> {
  const { bus, log } = opts;
  const registry = new SessionRegistry(opts.maxSessionsPerToken);
  const running = new Set<Promise<void>>();
  const wss = new WebSocketServer({
    noServer: true,
    // noVNC before 1.5 asks for the `binary` subprotocol; today's offers none.
    handleProtocols: (protocols) => (protocols.has("binary") ? "binary" : false),
  });

  const check = (token: string) =>
    bus.call(checkConsoleToken, { token }, { ctx: systemContext(), timeoutMs: CHECK_TIMEOUT_MS });

  // An instance that stops or goes away takes its consoles with it, with words for the page.
  const subscription: Subscription = await bus.subscribe(
    ["instance.update", "instance.delete"],
    (event) => {
      if (event.type === "instance.delete") {
        for (const s of registry.ofInstance(event.payload.uuid)) s.close("instance_deleted");
      } else if (event.type === "instance.update") {
        const { instance } = event.payload;
        const state = consoleStateOf(instance);
        if (state !== "not_running" && state !== "deleted") return;
        for (const s of registry.ofInstance(instance.uuid)) {
          if (state === "deleted") s.close("instance_deleted");
          else s.close("instance_stopped", instanceStoppedText(instance.vmState));
        }
      }
    },
  );

  const closeWith = (ws: WebSocket, reason: ConsoleCloseReason, text?: string) => {
    const close = CONSOLE_CLOSE[reason];
    if (ws.readyState !== WebSocket.OPEN) return;
    ws.resume(); // the closing handshake needs the browser's close frame read
    ws.close(close.code, text ?? close.text);
  };

  /** Why the display closed under a session: ask consoleauth about the token again. */
  async function explainDisplayEnd(
    token: string,
  ): Promise<{ reason: ConsoleCloseReason; text?: string }> {
    try {
      const again = await check(token);
      if (again.valid) return { reason: "display_closed" };
      const reason = again.reason === "instance_not_running" ? "instance_stopped" : again.reason;
      return { reason, text: again.message };
    } catch {
      return { reason: "display_closed" };
    }
  }

  async function serve(ws: WebSocket, req: IncomingMessage): Promise<void> {
    ws.pause(); // nothing from the browser until the display is there to take it
    ws.on("error", (err) => log.debug({ err }, "console websocket error")); // a close follows
    const started = Date.now();
    const token = tokenOf(req);
    const origin = req.headers.origin;
    const refused = (reason: ConsoleCloseReason, fields: Record<string, unknown> = {}) => {
      log.info({ reason, origin, ...fields }, "console session refused");
      closeWith(ws, reason);
    };

    if (!token) return refused("token_missing");
    let grant: Grant;
    try {
      const reply = await check(token);
      if (!reply.valid) return refused(reply.reason);
      grant = reply;
    } catch (err) {
      log.warn({ err }, "consoleauth did not answer");
      return refused("service_unavailable");
    }
    if (ws.readyState !== WebSocket.OPEN) return; // the browser gave up meanwhile

    // The relay once it runs, and why the session ends when something outside ends it (a
    // notification, the shutdown).
    const live: { relay?: Relay } = {};
    const ending: { reason?: ConsoleCloseReason; text?: string } = {};
    const session: Session = {
      instanceUuid: grant.instanceUuid,
      tokenHash: grant.tokenHash,
      close(reason, text) {
        if (!ending.reason) Object.assign(ending, { reason, text });
        if (live.relay) live.relay.stop();
        else closeWith(ws, reason, text);
      },
    };
    const who = { user: grant.userId, project: grant.projectId, instance: grant.instanceUuid };
    if (!registry.admit(session)) return refused("too_many_sessions", who);

    let tcp: Socket;
    try {
      tcp = await connectDisplay(grant.host, grant.port, opts.connectTimeoutMs ?? 5_000);
    } catch (err) {
      registry.remove(session);
      return refused("host_unreachable", {
        ...who,
        display: `${grant.host}:${grant.port}`,
        err: (err as Error).message,
      });
    }
    if (ending.reason || ws.readyState !== WebSocket.OPEN) {
      tcp.destroy();
      registry.remove(session);
      if (ending.reason) closeWith(ws, ending.reason, ending.text);
      return;
    }

    let clientCode: number | undefined;
    ws.once("close", (code) => (clientCode = code));
    const relay = new Relay(ws, tcp, { idleMs: opts.idleMs, maxMs: opts.maxMs });
    live.relay = relay;
    relay.start();
    const end: RelayEnd = await relay.ended;
    registry.remove(session);

    let reason: ConsoleCloseReason | "client_left";
    let text = ending.text;
    if (end === "client") reason = "client_left";
    else if (end === "stopped") reason = ending.reason ?? "proxy_shutdown";
    else if (end === "display") ({ reason, text } = await explainDisplayEnd(token));
    else reason = end === "idle" ? "idle_timeout" : "session_limit";
    if (reason !== "client_left") closeWith(ws, reason, text);

    log.info(
      {
        ...who,
        display: `${grant.host}:${grant.port}`,
        origin,
        durationMs: Date.now() - started,
        bytesFromClient: relay.stats.bytesFromClient,
        bytesToClient: relay.stats.bytesToClient,
        reason,
        closeCode: reason === "client_left" ? clientCode : CONSOLE_CLOSE[reason].code,
      },
      "console session ended",
    );
  }

  return {
    onUpgrade(req, socket, head) {
      const path = new URL(req.url ?? "/", "http://proxy").pathname;
      if (path !== CONSOLE_WEBSOCKET_PATH) return refuseBeforeUpgrade(socket, 404, "Not Found");
      const verdict = checkOrigin(req.headers, opts.origins);
      if (!verdict.ok) {
        log.warn({ origin: verdict.origin, host: req.headers.host }, "console origin refused");
        return refuseBeforeUpgrade(socket, 403, "Forbidden");
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        const serving = serve(ws, req)
          .catch((err: unknown) => {
            log.error({ err }, "console session failed");
            ws.terminate();
          })
          .finally(() => running.delete(serving));
        running.add(serving);
      });
    },

    async status(req, res) {
      const send = (status: number, body: unknown): void => {
        res
          .writeHead(status, { "content-type": "application/json", "cache-control": "no-store" })
          .end(JSON.stringify(body));
      };
      if (req.method !== "GET" && req.method !== "HEAD") return send(405, { error: "GET only" });
      const token = tokenOf(req);
      const refusal = (reason: ConsoleCloseReason) => ({
        valid: false,
        reason,
        code: CONSOLE_CLOSE[reason].code,
        message: CONSOLE_CLOSE[reason].text,
      });
      if (!token) return send(200, refusal("token_missing"));
      try {
        const reply = await check(token);
        if (!reply.valid) return send(200, refusal(reply.reason));
        return send(200, {
          valid: true,
          instanceUuid: reply.instanceUuid,
          expiresAt: reply.expiresAt,
        });
      } catch {
        return send(503, refusal("service_unavailable"));
      }
    },

    get sessions() {
      return registry.size;
    },

    async close() {
      await subscription.close();
      for (const s of registry.all()) s.close("proxy_shutdown");
      // Each session sends its close frame before the server cuts the sockets.
      await Promise.allSettled([...running]);
      wss.close();
    },
  };
}
