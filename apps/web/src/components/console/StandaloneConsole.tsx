"use client";
// The full-page console a console URL opens (`/console?path=…`, Nova's shape): the websocket is
// named in the query, as noVNC's own pages read it. Nothing here can renew the token (the page has
// no credentials), so the console says when its link expires.
import { consoleWebsocketUrl, CONSOLE_CLOSE } from "@nimbus/rpc/domain";
import { useEffect, useState } from "react";
import { probe } from "./browser";
import type { ConsoleTicket } from "./console-session";
import { VncConsole } from "./VncConsole";

export function StandaloneConsole() {
  const [ticket, setTicket] = useState<ConsoleTicket | null | "incomplete">(null);

  useEffect(() => {
    const url = consoleWebsocketUrl(window.location);
    if (!url) return setTicket("incomplete");
    setTicket({ url, expiresAt: null });
    // The expiry is only for the notice: the console connects without waiting for it.
    void probe(url).then((p) => {
      if (p.kind === "valid")
        setTicket((t) => (t && t !== "incomplete" ? { ...t, expiresAt: p.expiresAt } : t));
    });
  }, []);

  if (ticket === "incomplete") {
    return (
      <main className="flex h-screen items-center justify-center bg-slate-950 p-6 text-slate-100">
        <p role="status">{CONSOLE_CLOSE.token_missing.text}</p>
      </main>
    );
  }
  return (
    <main className="h-screen bg-slate-950">
      {ticket ? <VncConsole ticket={ticket} className="h-full" /> : null}
    </main>
  );
}
