"use client";
// The live socket in the browser: pushed events patch the TanStack Query caches in place (no
// refetch loops, no polling); each time the socket is let in (at first, and after a drop) the
// visible queries are refetched once, to catch up on what was not pushed.
import { useQueryClient, type QueryClient } from "@tanstack/react-query";
import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from "react";
import { io, type Socket } from "socket.io-client";
import type { LiveEvents } from "../live/events";
import type { ListInput } from "../trpc/routers/servers/list.schema";
import type { ActionView, ServerView } from "../trpc/routers/servers/views";
import { removeServer, upsertServer, type ServerPage } from "./servers-cache";
import { useSession } from "./session";
import { toSignIn, useTRPC } from "./trpc";

export type LiveState = "connecting" | "live" | "offline";

interface LiveContextValue {
  state: LiveState;
  socket: Socket<LiveEvents> | null;
}

const LiveContext = createContext<LiveContextValue>({ state: "connecting", socket: null });

export const useLive = () => useContext(LiveContext);

/** Run `handler` on every `event` pushed while the component is mounted. */
export function useLiveEvent<E extends keyof LiveEvents>(event: E, handler: LiveEvents[E]) {
  const { socket } = useLive();
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => {
    if (!socket) return;
    const fn = ((...args: Parameters<LiveEvents[E]>) =>
      (latest.current as (...a: Parameters<LiveEvents[E]>) => void)(...args)) as never;
    socket.on(event, fn);
    return () => {
      socket.off(event, fn);
    };
  }, [socket, event]);
}

// Signing out or switching project revokes the session's token, which ends its socket; while the
// page is on its way elsewhere, that is expected, not a reason to send the user to sign in again.
let leaving = false;
/** Say the page is about to end its own session (sign-out, project switch); undo if that fails. */
export function leavingSession(value: boolean) {
  leaving = value;
}

/** How many recent actions the task drawer keeps. */
export const RECENT_ACTIONS = 50;

export function upsertAction(list: ActionView[], action: ActionView): ActionView[] {
  const same = (a: ActionView) =>
    a.requestId === action.requestId && a.instanceId === action.instanceId;
  const old = list.find(same);
  // Keep the name the list already knew when the event has none.
  const merged = { ...action, instanceName: action.instanceName ?? old?.instanceName ?? null };
  return [merged, ...list.filter((a) => !same(a))]
    .sort((a, b) => b.startTime.localeCompare(a.startTime))
    .slice(0, RECENT_ACTIONS);
}

type Trpc = ReturnType<typeof useTRPC>;

function applyServer(
  qc: QueryClient,
  trpc: Trpc,
  projectId: string,
  e: { kind: "created" | "updated"; server: ServerView },
) {
  for (const query of qc.getQueryCache().findAll(trpc.servers.list.pathFilter())) {
    const input = ((query.queryKey[1] as { input?: ListInput } | undefined)?.input ??
      {}) as ListInput;
    qc.setQueryData<ServerPage>(
      query.queryKey,
      (page) => page && upsertServer(page, input, { projectId }, e.server, e.kind),
    );
  }
  qc.setQueryData(trpc.servers.get.queryKey({ id: e.server.id }), (old) =>
    old && old.updatedAt > e.server.updatedAt ? old : e.server,
  );
}

function applyDelete(qc: QueryClient, trpc: Trpc, id: string) {
  for (const query of qc.getQueryCache().findAll(trpc.servers.list.pathFilter())) {
    qc.setQueryData<ServerPage>(query.queryKey, (page) => page && removeServer(page, id));
  }
  qc.setQueryData(
    trpc.servers.get.queryKey({ id }),
    (old) =>
      old && {
        ...old,
        status: "DELETED",
        taskState: null,
        deletedAt: old.deletedAt ?? new Date().toISOString(),
      },
  );
}

function applyAction(qc: QueryClient, trpc: Trpc, action: ActionView) {
  for (const query of qc.getQueryCache().findAll(trpc.tasks.recent.pathFilter())) {
    qc.setQueryData<ActionView[]>(query.queryKey, (list) => list && upsertAction(list, action));
  }
  qc.setQueryData(
    trpc.servers.actions.queryKey({ id: action.instanceId }),
    (list) => list && upsertAction(list, action),
  );
}

export function LiveProvider({ children }: { children: ReactNode }) {
  const qc = useQueryClient();
  const trpc = useTRPC();
  const session = useSession();
  const [value, setValue] = useState<LiveContextValue>({ state: "connecting", socket: null });

  useEffect(() => {
    const socket: Socket<LiveEvents> = io({
      path: "/socket.io",
      transports: ["websocket", "polling"],
    });
    setValue({ state: "connecting", socket });

    socket.on("connect", () => {
      setValue({ state: "live", socket });
      // Whatever happened before the socket was let in (the page's first reads may be older than
      // that) or while it was down was not pushed: catch up once.
      void qc.invalidateQueries();
    });
    socket.on("disconnect", (reason) => {
      setValue({ state: "offline", socket });
      // The server ended the socket (token revoked or expired, roles changed): try again once;
      // a session that is gone is refused and sends the user to the sign-in page.
      if (reason === "io server disconnect" && !leaving) socket.connect();
    });
    socket.on("connect_error", (err: Error & { data?: { reason?: string } }) => {
      const reason = err.data?.reason;
      if (leaving) return;
      if (reason === "signed-out" || reason === "expired") return toSignIn("expired");
      setValue({ state: "offline", socket });
    });

    socket.on("server", (e) => applyServer(qc, trpc, session.projectId, e));
    socket.on("server.deleted", (e) => applyDelete(qc, trpc, e.id));
    socket.on("action", (e) => applyAction(qc, trpc, e));
    return () => {
      socket.removeAllListeners();
      socket.close();
    };
  }, [qc, trpc, session.projectId]);

  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}

/** Put a server the API just answered with into every cached view of it. */
export function usePatchServer() {
  const qc = useQueryClient();
  const trpc = useTRPC();
  const session = useSession();
  return (server: ServerView) =>
    applyServer(qc, trpc, session.projectId, { kind: "updated", server });
}
