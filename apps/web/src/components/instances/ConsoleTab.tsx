"use client";
// The instance's screen in the page: a console token from the console service (through tRPC, with
// the session), renewed by the console component before it expires.
import {
  consoleStateOf,
  consoleWebsocketUrl,
  type PowerStateValue,
  type TaskState,
  type VmState,
} from "@nimbus/rpc/domain";
import { useMutation } from "@tanstack/react-query";
import { MonitorOff } from "lucide-react";
import { useEffect, useState } from "react";
import { errorMessage, useTRPCClient, useTRPC } from "../../dashboard/trpc";
import type { ServerView } from "../../trpc/routers/servers/views";
import { VncConsole } from "../console/VncConsole";
import type { ConsoleTicket } from "../console/console-session";
import { EmptyState, ErrorState, Spinner } from "../ui/states";

/** The websocket URL for a token, on this page's own origin. */
const ticketOf = (t: { token: string; expiresAt: string }): ConsoleTicket => ({
  url: consoleWebsocketUrl({
    protocol: window.location.protocol,
    host: window.location.host,
    search: `?token=${encodeURIComponent(t.token)}`,
  })!,
  expiresAt: t.expiresAt,
});

export function ConsoleTab({ server }: { server: ServerView }) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const [ticket, setTicket] = useState<ConsoleTicket | null>(null);
  const open = useMutation(
    trpc.servers.console.mutationOptions({ onSuccess: (t) => setTicket(ticketOf(t)) }),
  );
  const state = consoleStateOf({
    vmState: server.vmState as VmState,
    powerState: server.powerState as PowerStateValue,
    taskState: server.taskState as TaskState | null,
  });
  const reachable = state === "available" || state === "busy";

  useEffect(() => {
    if (reachable && !ticket && open.isIdle) open.mutate({ id: server.id });
  }, [reachable, ticket, open, server.id]);

  if (!ticket) {
    if (!reachable) {
      return (
        <EmptyState icon={<MonitorOff className="size-5" />} title="No console right now">
          {state === "deleted"
            ? "The instance was deleted."
            : "The console is there while the instance is running. Start it to see its screen."}
        </EmptyState>
      );
    }
    if (open.isError) {
      return (
        <ErrorState
          title="The console could not be opened"
          message={errorMessage(open.error)}
          onRetry={() => open.mutate({ id: server.id })}
        />
      );
    }
    return <Spinner label="Opening the console…" />;
  }
  return (
    <VncConsole
      ticket={ticket}
      renew={async () => ticketOf(await client.servers.console.mutate({ id: server.id }))}
      title={server.name}
      className="h-[min(70vh,720px)]"
    />
  );
}
