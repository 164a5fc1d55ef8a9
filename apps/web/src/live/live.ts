// Live updates for the dashboard over socket.io. A socket is authenticated from the session cookie
// (the same keystone strategy and cache as tRPC and REST) and joins its project's room, and the
// `admin` room for administrators. One bus subscription per web process relays instance, action,
// service and host notifications to the rooms that may see them, each view cut to its audience
// by the policy table. A socket ends when its token does: at expiry, or when identity.change says
// its token, user, project or roles changed (the browser then reconnects, or signs in again).
//
// The subscription exists only while someone watches: it is made when a socket arrives, before
// that socket is let in (so the page's catch-up read, made once it is connected, misses nothing
// the stream would have brought), and dropped `idleMs` after the last socket left. With no
// dashboard open, boots cost this process no decoding and the broker no deliveries to it.
import { newRequestId, type Bus, type NotificationEvent, type Subscription } from "@nimbus/rpc";
import type { Credentials } from "@nimbus/rpc/domain";
import type { Server, Socket } from "socket.io";
import { checkOrigin } from "../console/origin";
import type { Logger } from "../logger";
import type { AuthStrategy } from "../rest/auth";
import { tokenHashOf } from "../services/identity";
import { isKeystone, sessionFrom } from "../trpc/context";
import type { Session } from "../trpc/trpc";
import { sessionToken } from "../trpc/session-cookie";
import { actionView, serverView } from "../trpc/routers/servers/views";
import type { LiveEvents, LiveRefusal } from "./events";

export interface Live {
  /** End the live connections of a token revoked by this process (sign-out, project switch). */
  endSessions(token: string): void;
  close(): Promise<void>;
}

export interface LiveDeps {
  log: Logger;
  bus: Bus;
  auth: AuthStrategy;
  publicUrl?: string | undefined;
  /** How long the subscription outlives the last socket (a reload reconnects well within it). */
  idleMs?: number;
}

const DEFAULT_IDLE_MS = 30_000;
const PATTERNS = ["instance.*", "service.update", "compute_node.update", "identity.change"];

interface SocketData {
  session: Session;
  tokenHash: string;
  auditId: string;
}

type LiveSocket = Socket<Record<string, never>, LiveEvents, Record<string, never>, SocketData>;
type LiveServer = Server<Record<string, never>, LiveEvents, Record<string, never>, SocketData>;

export const ADMIN_ROOM = "admin";
export const projectRoom = (projectId: string) => `project:${projectId}`;

/** How a member (or reader) and an admin of the owning project see a server or an action. */
const memberOf = (projectId: string): Credentials => ({ roles: ["member", "reader"], projectId });
const adminOf = (projectId: string): Credentials => ({ roles: ["admin"], projectId });

/** A setTimeout delay cannot exceed 2^31 − 1 ms; a token living longer is re-checked then. */
const MAX_TIMER_MS = 2 ** 31 - 1;

const refuse = (reason: LiveRefusal) => Object.assign(new Error(reason), { data: { reason } });

export async function createLive(ioServer: Server, deps: LiveDeps): Promise<Live> {
  const io = ioServer as LiveServer;
  const log = deps.log.child({ component: "live" });
  const keystone = isKeystone(deps.auth) ? deps.auth : null;
  const timers = new Map<string, NodeJS.Timeout>();

  io.use((socket, next) => {
    const headers = socket.request.headers;
    if (!checkOrigin(headers, { allowed: [], publicUrl: deps.publicUrl }).ok) {
      return next(refuse("origin"));
    }
    const token = sessionToken(headers);
    if (!token || !keystone) return next(refuse("signed-out"));
    keystone.validate(token, newRequestId()).then(
      async (data) => {
        const session = data && sessionFrom(data);
        if (!data || !session) return next(refuse("expired"));
        socket.data = { session, tokenHash: tokenHashOf(token), auditId: data.auditId };
        try {
          await watch();
        } catch (err) {
          log.warn({ err }, "live connection refused: could not subscribe to notifications");
          return next(new Error("unavailable"));
        }
        next();
      },
      (err: unknown) => {
        log.warn({ err }, "live connection refused: the session could not be checked");
        next(new Error("unavailable"));
      },
    );
  });

  io.on("connection", (socket: LiveSocket) => {
    const { session } = socket.data;
    void socket.join(projectRoom(session.projectId));
    if (session.isAdmin) void socket.join(ADMIN_ROOM);
    const left = Date.parse(session.expiresAt) - Date.now();
    timers.set(
      socket.id,
      setTimeout(() => socket.disconnect(true), Math.max(0, Math.min(left, MAX_TIMER_MS))),
    );
    log.debug({ socketId: socket.id, userId: session.userId }, "live client connected");
    socket.on("disconnect", (reason) => {
      clearTimeout(timers.get(socket.id));
      timers.delete(socket.id);
      log.debug({ socketId: socket.id, reason }, "live client disconnected");
      unwatchLater();
    });
  });

  const disconnectWhere = (match: (d: SocketData) => boolean) => {
    for (const socket of io.of("/").sockets.values()) {
      if (socket.data.session && match(socket.data)) socket.disconnect(true);
    }
  };

  // A view is built (and a packet encoded) only for a room someone is in: with no dashboard open,
  // a boot's notifications cost this process their decoding and nothing more.
  const occupied = (room: string) => (io.of("/").adapter.rooms.get(room)?.size ?? 0) > 0;

  const relay = (event: NotificationEvent) => {
    switch (event.type) {
      case "instance.create":
      case "instance.update": {
        const { instance } = event.payload;
        const kind = event.type === "instance.create" ? "created" : "updated";
        if (occupied(projectRoom(instance.projectId))) {
          io.to(projectRoom(instance.projectId))
            .except(ADMIN_ROOM)
            .emit("server", { kind, server: serverView(instance, memberOf(instance.projectId)) });
        }
        if (occupied(ADMIN_ROOM)) {
          io.to(ADMIN_ROOM).emit("server", {
            kind,
            server: serverView(instance, adminOf(instance.projectId)),
          });
        }
        return;
      }
      case "instance.delete": {
        const { uuid, projectId, name } = event.payload;
        io.to([projectRoom(projectId), ADMIN_ROOM]).emit("server.deleted", {
          id: uuid,
          projectId,
          name,
        });
        return;
      }
      case "instance.action": {
        const { action, instanceName } = event.payload;
        const projectId = action.projectId;
        if (projectId && occupied(projectRoom(projectId))) {
          io.to(projectRoom(projectId))
            .except(ADMIN_ROOM)
            .emit("action", actionView(action, memberOf(projectId), instanceName));
        }
        if (occupied(ADMIN_ROOM)) {
          io.to(ADMIN_ROOM).emit(
            "action",
            actionView(action, adminOf(projectId ?? ""), instanceName),
          );
        }
        return;
      }
      case "service.update":
        io.to(ADMIN_ROOM).emit("service", event.payload);
        return;
      case "compute_node.update":
        io.to(ADMIN_ROOM).emit("compute-node", event.payload);
        return;
      case "identity.change": {
        const change = event.payload;
        switch (change.kind) {
          case "token":
            return disconnectWhere((d) => d.auditId === change.id);
          case "user":
            return disconnectWhere((d) => d.session.userId === change.id);
          case "project":
            return disconnectWhere((d) => d.session.projectId === change.id);
          case "assignment":
            return disconnectWhere((d) => d.session.userId === change.userId);
          case "role":
            return disconnectWhere(() => true);
        }
      }
    }
  };

  let subscription: Promise<Subscription> | null = null;
  let idle: NodeJS.Timeout | undefined;
  const anyoneWatching = () => io.of("/").sockets.size > 0;
  function watch(): Promise<Subscription> {
    clearTimeout(idle);
    if (!subscription) {
      const made = deps.bus.subscribe(PATTERNS, (event) => relay(event));
      subscription = made;
      made.then(
        () => log.debug("subscribed to notifications"),
        () => {
          if (subscription === made) subscription = null;
        },
      );
    }
    return subscription;
  }
  const unsubscribe = async () => {
    const current = subscription;
    subscription = null;
    await (await current?.catch(() => undefined))?.close();
  };
  function unwatchLater() {
    if (anyoneWatching()) return;
    clearTimeout(idle);
    idle = setTimeout(() => {
      if (anyoneWatching()) return;
      log.debug("no live client left; unsubscribed from notifications");
      unsubscribe().catch((err: unknown) => log.warn({ err }, "could not unsubscribe"));
    }, deps.idleMs ?? DEFAULT_IDLE_MS);
    idle.unref();
  }

  return {
    endSessions(token) {
      const hash = tokenHashOf(token);
      disconnectWhere((d) => d.tokenHash === hash);
    },
    async close() {
      clearTimeout(idle);
      await unsubscribe();
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
      io.disconnectSockets(true);
    },
  };
}
