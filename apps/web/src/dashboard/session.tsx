"use client";
// The signed-in session on the client: who, which project, and what the policy table lets them do
// (the same `allowed()` the API applies, so a button is never offered for a refused call).
import { allowed, type PolicyName } from "@nimbus/rpc/domain";
import { useQuery } from "@tanstack/react-query";
import { createContext, useContext, type ReactNode } from "react";
import type { SessionView } from "../trpc/routers/session/session.schema";
import { useTRPC } from "./trpc";

const SessionContext = createContext<SessionView | null>(null);

export function SessionProvider({
  session,
  children,
}: {
  session: SessionView;
  children: ReactNode;
}) {
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionView {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession outside the dashboard's SessionProvider");
  return session;
}

/** Whether the session may act under `policy` on a target of `projectId` (its own by default). */
export function useCan() {
  const session = useSession();
  return (policy: PolicyName, projectId?: string | null) => allowed(session, policy, projectId);
}

/** The session query itself, for the shell that provides it. */
export function useSessionQuery() {
  const trpc = useTRPC();
  return useQuery(trpc.session.me.queryOptions());
}
