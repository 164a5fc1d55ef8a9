// One Node HTTP server for everything the web process serves:
//   /compute /identity /image -> the REST app (Hono)      /api/trpc -> tRPC
//   /socket.io                -> socket.io (live updates)  /healthz  -> liveness
//   /api/images/{id}/file     -> the dashboard's image upload (dashboard-upload.ts)
//   /console/websockify       -> the console proxy (websocket → VNC; a plain GET: the token's status)
//   websocket upgrades        -> socket.io, Next.js (/_next/: HMR in dev), else the console proxy
//   everything else           -> Next.js (or 404 without it, for tests of the APIs alone)
import { EventEmitter, once } from "node:events";
import {
  createServer,
  type IncomingMessage,
  type Server as HttpServer,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { fileURLToPath } from "node:url";
import { getRequestListener } from "@hono/node-server";
import type { Bus } from "@nimbus/rpc";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { Server as SocketIOServer } from "socket.io";
import { CONSOLE_WEBSOCKET_PATH } from "@nimbus/rpc/domain";
import { createConsoleProxy } from "../console/proxy";
import type { UpgradeHandler } from "../console/upgrade";
import type { WebConfig } from "../env";
import { createLive, type Live } from "../live/live";
import type { Logger } from "../logger";
import { createRestApp, type RestRoutes } from "../rest/app";
import { authStrategyFor, type AuthStrategy } from "../rest/auth";
import { restRoutes } from "../rest/routes";
import { createContextFactory } from "../trpc/context";
import { appRouter } from "../trpc/root";
import { createDashboardUpload, uploadTarget } from "./dashboard-upload";
import { requestIdOf } from "./request-id";

export interface WebServerOptions {
  config: WebConfig;
  log: Logger;
  /** The process's bus connection (the service layer's only way to the workers); not closed here. */
  bus: Bus;
  /** Serve the dashboard; needs `next build` output unless NIMBUS_WEB_DEV. */
  withNext: boolean;
  /** Defaults to the strategy NIMBUS_AUTH_STRATEGY names. */
  auth?: AuthStrategy;
  /** Defaults to every resource in src/rest/routes.ts. */
  routes?: RestRoutes;
  /** Where non-socket.io, non-Next upgrades go; defaults to the console proxy. */
  onUpgrade?: UpgradeHandler;
  /** How long live updates stay subscribed after the last socket leaves (default 30 s). */
  liveIdleMs?: number;
}

export interface WebServer {
  server: HttpServer;
  io: SocketIOServer;
  listen(port: number, host: string): Promise<AddressInfo>;
  /** Stop accepting, let in-flight requests finish (up to the grace period), close every socket. */
  close(): Promise<void>;
}

/** apps/web, where next.config.ts and app/ live. */
const WEB_DIR = fileURLToPath(new URL("../..", import.meta.url));

const REST_PREFIX = /^\/(compute|identity|image)(\/|$)/;

function pathOf(url: string | undefined): string {
  const path = url ?? "/";
  const q = path.indexOf("?");
  return q === -1 ? path : path.slice(0, q);
}

export async function createWebServer(options: WebServerOptions): Promise<WebServer> {
  const { config, log } = options;
  const auth = options.auth ?? (await authStrategyFor(config, { bus: options.bus, log }));
  const consoleProxy = await createConsoleProxy({
    bus: options.bus,
    log,
    origins: {
      allowed: config.NIMBUS_CONSOLE_ALLOWED_ORIGINS,
      publicUrl: config.NIMBUS_PUBLIC_URL,
    },
    maxSessionsPerToken: config.NIMBUS_CONSOLE_MAX_SESSIONS_PER_TOKEN,
    idleMs: config.NIMBUS_CONSOLE_IDLE_TIMEOUT * 1000,
    maxMs: config.NIMBUS_CONSOLE_MAX_SESSION * 1000,
  });
  const onUpgrade = options.onUpgrade ?? consoleProxy.onUpgrade;

  const rest = createRestApp(
    {
      log,
      auth,
      bus: options.bus,
      imagesDir: config.NIMBUS_IMAGES_DIR,
      maxImageBytes: config.NIMBUS_IMAGE_MAX_SIZE,
      maxBodyBytes: config.NIMBUS_API_MAX_BODY_BYTES,
      publicUrl: config.NIMBUS_PUBLIC_URL,
    },
    options.routes ?? restRoutes,
  );
  // Keep the global Request/Response untouched: Next.js shares this process.
  const restListener = getRequestListener(rest.fetch, { overrideGlobalObjects: false });

  // The live relay (made below, with socket.io) ends the sockets of a token signed out here.
  const liveRef: { current?: Live } = {};
  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: "/api/trpc/",
    // The session comes from the cookie (src/trpc/session-cookie.ts), never from X-Auth-Token.
    createContext: createContextFactory({
      log,
      bus: options.bus,
      auth,
      publicUrl: config.NIMBUS_PUBLIC_URL,
      settings: { stuckTaskSeconds: config.NIMBUS_DASHBOARD_STUCK_TASK_SECONDS },
      imagesDir: config.NIMBUS_IMAGES_DIR,
      endLiveSessions: (token) => liveRef.current?.endSessions(token),
    }),
  });

  const upload = createDashboardUpload({
    log,
    bus: options.bus,
    auth,
    publicUrl: config.NIMBUS_PUBLIC_URL,
    imagesDir: config.NIMBUS_IMAGES_DIR,
    maxImageBytes: config.NIMBUS_IMAGE_MAX_SIZE,
  });

  let nextApp: Awaited<ReturnType<typeof loadNext>> | undefined;
  if (options.withNext) nextApp = await loadNext(config);

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = pathOf(req.url);
    const requestId = requestIdOf(req);
    const started = process.hrtime.bigint();
    res.once("close", () => {
      log.info(
        {
          requestId,
          method: req.method,
          path,
          status: res.statusCode,
          durationMs: Number(process.hrtime.bigint() - started) / 1e6,
          ...(res.writableFinished ? {} : { aborted: true }),
        },
        "request",
      );
    });

    try {
      if (REST_PREFIX.test(path)) return await restListener(req, res);
      if (path === "/api/trpc" || path.startsWith("/api/trpc/")) return trpc(req, res);
      const imageId = uploadTarget(path);
      if (imageId !== null) return await upload(req, res, imageId);
      if (path === CONSOLE_WEBSOCKET_PATH) return await consoleProxy.status(req, res);
      if (path === "/healthz") {
        res
          .writeHead(200, { "content-type": "application/json" })
          .end(JSON.stringify({ status: "ok" }));
        return;
      }
      if (nextApp) return await nextApp.handle(req, res);
      res.writeHead(404, { "content-type": "text/plain" }).end("Not Found");
    } catch (err) {
      log.error({ err, requestId }, "unhandled error serving request");
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end("Internal Server Error");
    }
  };

  const server = createServer((req, res) => void handle(req, res));

  // socket.io wraps the request listener above and takes /socket.io/ (polling and websocket).
  const io = new SocketIOServer(server, {
    path: "/socket.io",
    serveClient: false,
    destroyUpgrade: false,
  });
  const live = await createLive(io, {
    log,
    bus: options.bus,
    auth,
    publicUrl: config.NIMBUS_PUBLIC_URL,
    ...(options.liveIdleMs !== undefined && { idleMs: options.liveIdleMs }),
  });
  liveRef.current = live;

  const upgraded = new Set<Duplex>();
  let closing = false;
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = pathOf(req.url);
    if (path.startsWith("/socket.io/")) return;
    if (closing) return void socket.destroy();
    upgraded.add(socket);
    socket.once("close", () => upgraded.delete(socket));
    if (nextApp && path.startsWith("/_next/")) {
      if (!nextApp.upgrade(req, socket, head)) socket.destroy();
      return;
    }
    onUpgrade(req, socket, head);
  });

  return {
    server,
    io,
    async listen(port, host) {
      server.listen(port, host);
      await once(server, "listening");
      return server.address() as AddressInfo;
    },
    async close() {
      closing = true;
      const closed = once(server, "close");
      server.close(); // stop accepting; idle keep-alive connections are closed now
      // Consoles are told the proxy is going away (the page reconnects); other websockets have
      // no request in flight to wait for.
      await consoleProxy.close();
      for (const socket of upgraded) socket.destroy();
      await live.close();
      const ioClosed = io.close(); // resolves once the HTTP server has closed
      const force = setTimeout(
        () => server.closeAllConnections(),
        config.NIMBUS_WEB_SHUTDOWN_GRACE_MS,
      );
      await Promise.all([closed, ioClosed]);
      clearTimeout(force);
      await nextApp?.close();
      // Only a strategy made here is closed here; one passed in belongs to the caller.
      if (!options.auth) await auth.close?.();
    },
  };
}

async function loadNext(config: WebConfig) {
  const { default: next } = await import("next");
  // Next.js attaches its upgrade listener (HMR in dev) to `httpServer`, or else to the server of the
  // first request it sees, where it would see every websocket, console ones included. Give it a
  // channel of its own instead, and pass it only the upgrades meant for it.
  const channel = new EventEmitter();
  const app = next({ dev: config.NIMBUS_WEB_DEV, dir: WEB_DIR, httpServer: channel as HttpServer });
  await app.prepare();
  return {
    handle: app.getRequestHandler(),
    /** false when Next has not attached yet (it does on its first request; HMR follows a page load). */
    upgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) =>
      channel.emit("upgrade", req, socket, head),
    close: () => app.close(),
  };
}
