"use client";
// Everything the dashboard's pages stand on: the query client, the session (loaded once; without
// one the user goes to the sign-in page), the live socket, tooltips, toasts and the shell.
import type { ReactNode } from "react";
import { LiveProvider } from "../../dashboard/live";
import { SessionProvider, useSessionQuery } from "../../dashboard/session";
import { DashboardQueryProvider, errorMessage } from "../../dashboard/trpc";
import { AppShell } from "../shell/AppShell";
import { ErrorState, Spinner } from "../ui/states";
import { ToastProvider } from "../ui/toast";
import { TooltipProvider } from "../ui/tooltip";

function SessionGate({ children }: { children: ReactNode }) {
  const me = useSessionQuery();
  if (me.isPending || (me.isError && me.error.data?.code === "UNAUTHORIZED")) {
    // (an UNAUTHORIZED answer is on its way to the sign-in page)
    return (
      <div className="flex min-h-screen items-center justify-center">
        <Spinner label="Loading your session…" />
      </div>
    );
  }
  if (me.isError) {
    return (
      <div className="mx-auto max-w-lg p-6 pt-24">
        <ErrorState
          title="The dashboard could not start"
          message={errorMessage(me.error)}
          onRetry={() => void me.refetch()}
        />
      </div>
    );
  }
  return (
    <SessionProvider session={me.data}>
      <LiveProvider>
        <AppShell>{children}</AppShell>
      </LiveProvider>
    </SessionProvider>
  );
}

export function DashboardRoot({ children }: { children: ReactNode }) {
  return (
    <DashboardQueryProvider>
      <TooltipProvider>
        <ToastProvider>
          <SessionGate>{children}</SessionGate>
        </ToastProvider>
      </TooltipProvider>
    </DashboardQueryProvider>
  );
}
