"use client";
// A guest's screen, for the dashboard's instance page and the full-page console: connects at once,
// takes the keyboard without a click, says what it is doing in plain words, sends the keys a
// browser keeps for itself, types the clipboard, goes fullscreen, and reconnects by itself.
import { useCallback, useEffect, useRef, useState, type ReactNode } from "react";
import { loadRfbFactory, openSocket, probe } from "./browser";
import { ConsoleSession, type ConsoleStatus, type ConsoleTicket } from "./console-session";
import { CTRL_ALT_DEL, SPECIAL_KEYS, textToKeystrokes } from "./keys";

export interface VncConsoleProps {
  /** The websocket URL (token included) and when its token expires. */
  ticket: ConsoleTicket;
  /**
   * A fresh ticket, e.g. from the API with the signed-in user's session. With it the console
   * renews its token before expiry and after a refusal; without it, it says when its link expires.
   */
  renew?: () => Promise<ConsoleTicket>;
  /** Shown beside the status, e.g. the server's name. */
  title?: ReactNode;
  className?: string;
}

const button =
  "rounded border border-slate-600 px-2 py-1 text-xs font-medium text-slate-100 " +
  "hover:bg-slate-700 disabled:cursor-not-allowed disabled:opacity-40";

function statusText(status: ConsoleStatus, now: number): string {
  switch (status.state) {
    case "connecting":
      return status.attempt > 0 ? `Connecting (attempt ${status.attempt + 1})…` : "Connecting…";
    case "connected":
      return status.name ? `Connected to ${status.name}` : "Connected";
    case "retrying": {
      const s = Math.max(0, Math.ceil((status.at - now) / 1000));
      return `${status.message} Reconnecting in ${s} s…`;
    }
    case "closed":
      return status.message;
  }
}

const DOT: Record<ConsoleStatus["state"], string> = {
  connecting: "bg-amber-400",
  connected: "bg-emerald-400",
  retrying: "bg-amber-400",
  closed: "bg-rose-500",
};

/** Until when the link opens a console, when nothing renews it (the full-page console). */
function expiryText(expiresAt: string | null, now: number): string | null {
  if (!expiresAt) return null;
  const left = Date.parse(expiresAt) - now;
  if (left > 120_000) return null;
  if (left <= 0) {
    return "This console link has expired: the open session goes on, but if it drops it cannot reconnect. Get a new link (openstack console url show) to open the console again.";
  }
  return `This console link expires in ${Math.ceil(left / 1000)} s. The open session goes on after that, but could not reconnect; get a new link then (openstack console url show).`;
}

export function VncConsole({ ticket, renew, title, className }: VncConsoleProps) {
  const frame = useRef<HTMLDivElement>(null);
  const screen = useRef<HTMLDivElement>(null);
  const session = useRef<ConsoleSession | null>(null);
  const [status, setStatus] = useState<ConsoleStatus>({ state: "connecting", attempt: 0 });
  const [expiresAt, setExpiresAt] = useState(ticket.expiresAt);
  const [now, setNow] = useState(() => Date.now());
  const [fullscreen, setFullscreen] = useState(false);
  const [pasting, setPasting] = useState<string | null>(null);
  // The latest renew function, without reconnecting when the parent passes a new one.
  const renewRef = useRef(renew);
  renewRef.current = renew;
  const canRenew = !!renew;

  useEffect(() => setExpiresAt(ticket.expiresAt), [ticket.expiresAt]);

  useEffect(() => {
    const target = screen.current;
    if (!target) return;
    let stopped = false;
    let current: ConsoleSession | null = null;
    const failed = () =>
      setStatus({
        state: "closed",
        message: "The console could not be loaded in this browser.",
        reason: "load_failed",
      });
    loadRfbFactory(target).then((createRfb) => {
      if (stopped) return;
      current = new ConsoleSession(
        { url: ticket.url, expiresAt: ticket.expiresAt },
        {
          openSocket,
          createRfb,
          probe,
          onStatus: setStatus,
          onTicket: (t) => setExpiresAt(t.expiresAt),
          ...(canRenew && { renew: () => renewRef.current!() }),
        },
      );
      session.current = current;
      current.start();
    }, failed);
    return () => {
      stopped = true;
      current?.stop();
      session.current = null;
    };
    // A new URL is a new console; a new expiry of the same URL is not (ticket.expiresAt is read
    // once, as the session's starting point).
  }, [ticket.url, canRenew]);

  // A clock for the countdowns (retry, expiry), ticking only while one is shown.
  const ticking = status.state === "retrying" || (!canRenew && expiresAt !== null);
  useEffect(() => {
    if (!ticking) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [ticking]);

  useEffect(() => {
    const onChange = () => {
      setFullscreen(document.fullscreenElement === frame.current);
      session.current?.focus();
    };
    document.addEventListener("fullscreenchange", onChange);
    return () => document.removeEventListener("fullscreenchange", onChange);
  }, []);

  const connected = status.state === "connected";
  const type = useCallback((text: string) => {
    session.current?.sendKeys(textToKeystrokes(text));
  }, []);

  const paste = async () => {
    try {
      type(await navigator.clipboard.readText());
    } catch {
      // No clipboard access (denied, or a page served without TLS): let the person paste here.
      setPasting("");
    }
  };

  const toggleFullscreen = () => {
    if (document.fullscreenElement) void document.exitFullscreen();
    else void frame.current?.requestFullscreen();
  };

  const notice = canRenew ? null : expiryText(expiresAt, now);

  return (
    <div
      ref={frame}
      className={`flex min-h-0 flex-col bg-slate-950 text-slate-100 ${className ?? ""}`}
    >
      <div className="flex flex-wrap items-center gap-2 border-b border-slate-800 px-3 py-2">
        <span
          aria-hidden
          className={`inline-block h-2.5 w-2.5 shrink-0 rounded-full ${DOT[status.state]}`}
        />
        <span role="status" data-state={status.state} className="min-w-0 flex-1 text-sm">
          {title ? <span className="mr-2 font-semibold">{title}</span> : null}
          {statusText(status, now)}
        </span>
        <button
          type="button"
          className={button}
          disabled={!connected}
          onClick={() => session.current?.sendKeys(CTRL_ALT_DEL.strokes)}
        >
          Ctrl+Alt+Del
        </button>
        <select
          aria-label="Send a key"
          className={`${button} bg-slate-950`}
          disabled={!connected}
          value=""
          onChange={(e) => {
            const key = SPECIAL_KEYS.find((k) => k.label === e.target.value);
            if (key) session.current?.sendKeys(key.strokes);
          }}
        >
          <option value="">Send key…</option>
          {SPECIAL_KEYS.filter((k) => k !== CTRL_ALT_DEL).map((k) => (
            <option key={k.label} value={k.label}>
              {k.label}
            </option>
          ))}
        </select>
        <button type="button" className={button} disabled={!connected} onClick={() => void paste()}>
          Paste
        </button>
        <button type="button" className={button} onClick={toggleFullscreen}>
          {fullscreen ? "Exit fullscreen" : "Fullscreen"}
        </button>
        {status.state === "retrying" ? (
          <button
            type="button"
            className={`${button} border-sky-500`}
            onClick={() => session.current?.reconnect()}
          >
            Reconnect now
          </button>
        ) : null}
      </div>
      {notice ? (
        <p role="note" className="bg-amber-950 px-3 py-1.5 text-xs text-amber-200">
          {notice}
        </p>
      ) : null}
      {pasting !== null ? (
        <form
          className="flex items-start gap-2 border-b border-slate-800 px-3 py-2"
          onSubmit={(e) => {
            e.preventDefault();
            type(pasting);
            setPasting(null);
          }}
        >
          <textarea
            autoFocus
            aria-label="Text to type into the console"
            placeholder="The browser did not allow reading the clipboard: paste the text here."
            className="h-16 flex-1 rounded border border-slate-600 bg-slate-900 p-1 font-mono text-xs"
            value={pasting}
            onChange={(e) => setPasting(e.target.value)}
          />
          <button type="submit" className={button}>
            Type it
          </button>
          <button type="button" className={button} onClick={() => setPasting(null)}>
            Cancel
          </button>
        </form>
      ) : null}
      <div className="relative min-h-0 flex-1">
        <div ref={screen} data-testid="console-screen" className="absolute inset-0" />
        {status.state === "closed" ? (
          <div className="absolute inset-0 flex items-center justify-center p-6">
            <div className="max-w-md rounded-lg border border-slate-700 bg-slate-900 p-5 text-center">
              <p className="text-base">{status.message}</p>
              <button
                type="button"
                className={`${button} mt-4 border-sky-500 px-3 py-1.5 text-sm`}
                onClick={() => session.current?.reconnect()}
              >
                Reconnect
              </button>
            </div>
          </div>
        ) : null}
      </div>
    </div>
  );
}
