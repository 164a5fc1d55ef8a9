// One console in the browser, independent of React: connects at once, reports its status in plain
// words, reconnects by itself (with backoff) after a drop it can recover from, renews its token
// before expiry when it has a way to (the dashboard), and explains a refused connection — the
// proxy's close codes, or, for a connection refused before it opened (a bare 1006), by asking the
// proxy about the token. noVNC's RFB client does the VNC part; it is passed in, so this file can be
// tested without a browser.
import { CONSOLE_CLOSE, consoleCloseReasonOf, type ConsoleCloseReason } from "@nimbus/rpc/domain";
import type { KeyStroke } from "./keys";

/** What opens a console: the websocket URL (token included) and when its token expires. */
export interface ConsoleTicket {
  url: string;
  /** ISO time; null when unknown */
  expiresAt: string | null;
}

/** The part of noVNC's RFB object used here. */
export interface RfbLike extends EventTarget {
  focus(options?: FocusOptions): void;
  disconnect(): void;
  sendKey(keysym: number, code: string | null, down?: boolean): void;
}

/** The part of a WebSocket used here (opened by us, so its close code and reason are ours to read). */
export interface SocketLike extends EventTarget {
  close(): void;
}

/** What the proxy says about a token when asked over plain HTTP. */
export type Probe =
  | { kind: "valid"; expiresAt: string }
  | { kind: "refused"; reason: ConsoleCloseReason; message: string }
  | { kind: "unreachable" };

export type ConsoleStatus =
  | { state: "connecting"; attempt: number }
  | { state: "connected"; name: string }
  /** dropped; trying again at `at` (epoch ms) */
  | { state: "retrying"; message: string; at: number; attempt: number }
  /** stopped for good (until the person asks again) */
  | { state: "closed"; message: string; reason: ClosedReason };

export type ClosedReason =
  ConsoleCloseReason | "origin" | "gave_up" | "renew_failed" | "password" | "load_failed";

export interface ConsoleSessionOptions {
  openSocket(url: string): SocketLike;
  createRfb(socket: SocketLike): RfbLike;
  probe(url: string): Promise<Probe>;
  onStatus(status: ConsoleStatus): void;
  /** A fresh ticket (the dashboard asks the API with the user's session); absent: no renewal. */
  renew?: () => Promise<ConsoleTicket>;
  /** Told when a renewal brought a new ticket. */
  onTicket?: (ticket: ConsoleTicket) => void;
  /** Delays between reconnection attempts; the last one repeats. */
  backoffMs?: readonly number[];
  /** Attempts after a drop before giving up. */
  maxAttempts?: number;
  /** How long before expiry the token is renewed. */
  renewAheadMs?: number;
}

const BACKOFF_MS = [1_000, 2_000, 4_000, 8_000, 15_000];
const LOST = "The connection to the console was lost.";
const UNREACHABLE = "The console proxy could not be reached.";
const ORIGIN =
  "The console proxy refused this page: its address is not one the cloud allows consoles from.";

export class ConsoleSession {
  private rfb: RfbLike | undefined;
  private socket: SocketLike | undefined;
  private attempt = 0;
  private stopped = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private renewTimer: ReturnType<typeof setTimeout> | undefined;
  /** Renewing because the last refusal asked for a new token: once per refusal. */
  private renewedForRefusal = false;

  constructor(
    private ticket: ConsoleTicket,
    private readonly opts: ConsoleSessionOptions,
  ) {}

  get currentTicket(): ConsoleTicket {
    return this.ticket;
  }

  start(): void {
    this.scheduleRenewal();
    void this.connect();
  }

  /** Disconnect for good (the page is closing). */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.renewTimer);
    this.teardown();
  }

  /** The person asks to connect again: start over, with a fresh token if one can be had. */
  reconnect(): void {
    clearTimeout(this.retryTimer);
    this.teardown();
    this.attempt = 0;
    this.renewedForRefusal = false;
    void this.connect({ renew: !!this.opts.renew });
  }

  sendKeys(strokes: readonly KeyStroke[]): void {
    for (const s of strokes) this.rfb?.sendKey(s.keysym, null, s.down);
    this.rfb?.focus({ preventScroll: true });
  }

  focus(): void {
    this.rfb?.focus({ preventScroll: true });
  }

  private status(status: ConsoleStatus): void {
    if (!this.stopped) this.opts.onStatus(status);
  }

  private teardown(): void {
    const rfb = this.rfb;
    this.rfb = undefined;
    this.socket = undefined;
    rfb?.disconnect();
  }

  private async connect({ renew = false } = {}): Promise<void> {
    if (this.stopped) return;
    if (renew && this.opts.renew) {
      try {
        await this.renewNow();
      } catch (err) {
        return this.closed(
          `Could not get a new console link: ${(err as Error).message}`,
          "renew_failed",
        );
      }
    }
    this.status({ state: "connecting", attempt: this.attempt });
    const url = this.ticket.url;
    const socket = this.opts.openSocket(url);
    let opened = false;
    let connected = false;
    let close: { code: number; reason: string } | undefined;
    // Listening before noVNC attaches its own handlers: ours run first.
    socket.addEventListener("open", () => (opened = true));
    socket.addEventListener("close", (e) => {
      const { code, reason } = e as CloseEvent;
      close = { code, reason };
    });
    const rfb = this.opts.createRfb(socket);
    this.socket = socket;
    this.rfb = rfb;
    let name = "";
    rfb.addEventListener("desktopname", (e) => {
      name = (e as CustomEvent<{ name: string }>).detail.name;
      if (connected) this.status({ state: "connected", name });
    });
    rfb.addEventListener("connect", () => {
      connected = true;
      this.attempt = 0;
      this.renewedForRefusal = false;
      this.status({ state: "connected", name });
      rfb.focus({ preventScroll: true });
    });
    rfb.addEventListener("credentialsrequired", () => {
      this.teardown();
      this.closed(
        "The guest's display asks for a password, which this console cannot give.",
        "password",
      );
    });
    rfb.addEventListener("disconnect", () => {
      if (this.rfb !== rfb || this.stopped) return; // ours, or superseded
      this.rfb = undefined;
      this.socket = undefined;
      void this.dropped({ opened, connected, close, url });
    });
  }

  private async dropped(how: {
    opened: boolean;
    connected: boolean;
    close: { code: number; reason: string } | undefined;
    url: string;
  }): Promise<void> {
    const reason = how.close ? consoleCloseReasonOf(how.close.code) : null;
    if (reason) return this.refused(reason, how.close?.reason || CONSOLE_CLOSE[reason].text);
    if (how.connected || how.opened) return this.retry(LOST);
    // Refused before it opened: the browser gives no reason (1006), so ask the proxy.
    const probe = await this.opts.probe(how.url);
    if (this.stopped) return;
    if (probe.kind === "unreachable") return this.retry(UNREACHABLE);
    if (probe.kind === "refused") return this.refused(probe.reason, probe.message);
    return this.closed(ORIGIN, "origin");
  }

  private refused(reason: ConsoleCloseReason, message: string): void {
    const how = CONSOLE_CLOSE[reason];
    // A token problem a fresh token solves, when this console can get one: once, quietly.
    if (how.renew && this.opts.renew && !this.renewedForRefusal) {
      this.renewedForRefusal = true;
      void this.connect({ renew: true });
      return;
    }
    if (how.retry) return this.retry(message);
    this.closed(message, reason);
  }

  private retry(message: string): void {
    const max = this.opts.maxAttempts ?? 10;
    this.attempt += 1;
    if (this.attempt > max) {
      return this.closed(`${message} Gave up after ${max} attempts.`, "gave_up");
    }
    const backoff = this.opts.backoffMs ?? BACKOFF_MS;
    const delay = backoff[Math.min(this.attempt - 1, backoff.length - 1)] ?? 1_000;
    this.status({ state: "retrying", message, at: Date.now() + delay, attempt: this.attempt });
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.connect(), delay);
  }

  private closed(message: string, reason: ClosedReason): void {
    this.status({ state: "closed", message, reason });
  }

  private async renewNow(): Promise<void> {
    if (!this.opts.renew) return;
    this.ticket = await this.opts.renew();
    this.opts.onTicket?.(this.ticket);
    this.scheduleRenewal();
  }

  /** Keep a fresh ticket at hand, so a reconnection never waits for one (dashboard only). */
  private scheduleRenewal(): void {
    clearTimeout(this.renewTimer);
    if (!this.opts.renew || !this.ticket.expiresAt || this.stopped) return;
    const ahead = this.opts.renewAheadMs ?? 60_000;
    const due = Date.parse(this.ticket.expiresAt) - ahead - Date.now();
    this.renewTimer = setTimeout(
      () => {
        this.renewNow().catch(() => {
          // Try again shortly; the session itself does not need the token while it is open.
          this.renewTimer = setTimeout(() => this.scheduleRenewal(), 30_000);
        });
      },
      Math.max(1_000, due),
    );
  }
}
