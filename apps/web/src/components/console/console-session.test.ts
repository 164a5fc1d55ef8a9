// The browser console's behaviour with noVNC and the websocket replaced by fakes and the clock by
// vitest's: what the person is told, when it reconnects by itself, when it renews its token.
import { CONSOLE_CLOSE } from "@nimbus/rpc/domain";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  ConsoleSession,
  type ConsoleSessionOptions,
  type ConsoleStatus,
  type ConsoleTicket,
  type Probe,
} from "./console-session";
import { chord, XK } from "./keys";

class FakeSocket extends EventTarget {
  closed = false;
  constructor(readonly url: string) {
    super();
  }
  close() {
    this.closed = true;
  }
  open() {
    this.dispatchEvent(new Event("open"));
  }
  closeWith(code: number, reason = "") {
    this.dispatchEvent(Object.assign(new Event("close"), { code, reason }));
  }
}

class FakeRfb extends EventTarget {
  keys: [number, boolean | undefined][] = [];
  focused = 0;
  disconnected = false;
  constructor(readonly socket: FakeSocket) {
    super();
  }
  focus() {
    this.focused++;
  }
  disconnect() {
    this.disconnected = true;
  }
  sendKey(keysym: number, _code: string | null, down?: boolean) {
    this.keys.push([keysym, down]);
  }
  /** The socket opened and the RFB handshake finished. */
  connected(name = "instance-1") {
    this.socket.open();
    this.dispatchEvent(new CustomEvent("desktopname", { detail: { name } }));
    this.dispatchEvent(new CustomEvent("connect"));
  }
  /** The socket closed with `code` (and noVNC reports the disconnect). */
  dropped(code: number, reason = "") {
    this.socket.closeWith(code, reason);
    this.dispatchEvent(new CustomEvent("disconnect", { detail: { clean: false } }));
  }
}

const NOW = Date.parse("2026-11-21T10:00:00Z");
const ticket = (n: number, expiresInMs = 600_000): ConsoleTicket => ({
  url: `ws://cloud/console/websockify?token=t${n}`,
  expiresAt: new Date(NOW + expiresInMs).toISOString(),
});

let statuses: ConsoleStatus[];
let rfbs: FakeRfb[];
let probe: Probe;

function session(extra: Partial<ConsoleSessionOptions> = {}, first = ticket(1)): ConsoleSession {
  const s = new ConsoleSession(first, {
    openSocket: (url) => new FakeSocket(url),
    createRfb: (socket) => {
      const rfb = new FakeRfb(socket as FakeSocket);
      rfbs.push(rfb);
      return rfb;
    },
    probe: async () => probe,
    onStatus: (st) => statuses.push(st),
    ...extra,
  });
  s.start();
  return s;
}

const last = () => statuses.at(-1)!;
const lastRfb = () => rfbs.at(-1)!;

beforeEach(() => {
  vi.useFakeTimers({ now: NOW });
  statuses = [];
  rfbs = [];
  probe = { kind: "valid", expiresAt: new Date(NOW + 600_000).toISOString() };
});
afterEach(() => {
  vi.useRealTimers();
});

describe("connecting", () => {
  it("connects at once and takes the keyboard focus without a click", async () => {
    session();
    await vi.advanceTimersByTimeAsync(0);
    expect(last()).toEqual({ state: "connecting", attempt: 0 });
    expect(rfbs).toHaveLength(1);
    lastRfb().connected("instance-abc");
    expect(last()).toEqual({ state: "connected", name: "instance-abc" });
    expect(lastRfb().focused).toBe(1);
  });

  it("sends special keys and pasted text as key events, then gives the focus back", async () => {
    const s = session();
    await vi.advanceTimersByTimeAsync(0);
    lastRfb().connected();
    s.sendKeys(chord(XK.Control_L, XK.Alt_L, XK.Delete));
    expect(lastRfb().keys).toEqual([
      [XK.Control_L, true],
      [XK.Alt_L, true],
      [XK.Delete, true],
      [XK.Delete, false],
      [XK.Alt_L, false],
      [XK.Control_L, false],
    ]);
    expect(lastRfb().focused).toBe(2);
  });
});

describe("a refusal", () => {
  it.each([
    ["token_expired", "This console link has expired. Open the console again to get a new one."],
    ["instance_not_running", "The instance is not running. Start it, then open the console again."],
    ["too_many_sessions", CONSOLE_CLOSE.too_many_sessions.text],
  ] as const)(
    "%s is said in plain words, and not retried without a way to renew",
    async (reason, text) => {
      session();
      await vi.advanceTimersByTimeAsync(0);
      lastRfb().dropped(CONSOLE_CLOSE[reason].code, CONSOLE_CLOSE[reason].text);
      await vi.advanceTimersByTimeAsync(0);
      expect(last()).toEqual({ state: "closed", message: text, reason });
      await vi.advanceTimersByTimeAsync(60_000);
      expect(rfbs).toHaveLength(1);
    },
  );

  it("prefers the proxy's own words (e.g. which way the instance stopped)", async () => {
    session();
    await vi.advanceTimersByTimeAsync(0);
    lastRfb().connected();
    lastRfb().dropped(4008, "The instance was suspended.");
    await vi.advanceTimersByTimeAsync(0);
    expect(last()).toMatchObject({ state: "closed", message: "The instance was suspended." });
  });

  it("before the socket opened (a bare 1006) is explained by asking the proxy about the token", async () => {
    probe = { kind: "refused", reason: "token_expired", message: CONSOLE_CLOSE.token_expired.text };
    session();
    await vi.advanceTimersByTimeAsync(0);
    lastRfb().dropped(1006);
    await vi.advanceTimersByTimeAsync(0);
    expect(last()).toMatchObject({ state: "closed", reason: "token_expired" });
  });

  it("of a page whose origin is not allowed is named as such", async () => {
    session();
    await vi.advanceTimersByTimeAsync(0);
    lastRfb().dropped(1006);
    await vi.advanceTimersByTimeAsync(0);
    expect(last()).toMatchObject({ state: "closed", reason: "origin" });
    expect((last() as { message: string }).message).toMatch(/refused this page/);
  });
});

describe("reconnecting", () => {
  it("retries a drop by itself with growing delays, and resets once connected again", async () => {
    session({ backoffMs: [1_000, 2_000, 4_000] });
    await vi.advanceTimersByTimeAsync(0);
    lastRfb().connected();
    lastRfb().dropped(1006);
    await vi.advanceTimersByTimeAsync(0);
    expect(last()).toEqual({
      state: "retrying",
      message: "The connection to the console was lost.",
      at: NOW + 1_000,
      attempt: 1,
    });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(rfbs).toHaveLength(2);
    probe = { kind: "unreachable" };
    lastRfb().dropped(1006);
    await vi.advanceTimersByTimeAsync(0);
    expect(last()).toMatchObject({
      state: "retrying",
      message: "The console proxy could not be reached.",
      attempt: 2,
    });
    await vi.advanceTimersByTimeAsync(1_999);
    expect(rfbs).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(rfbs).toHaveLength(3);
    lastRfb().connected();
    lastRfb().dropped(1006);
    await vi.advanceTimersByTimeAsync(0);
    expect(last()).toMatchObject({ state: "retrying", attempt: 1 });
  });

  it("waits out a reboot (busy) and connects to the display once it is back", async () => {
    session({ backoffMs: [500] });
    await vi.advanceTimersByTimeAsync(0);
    lastRfb().connected();
    lastRfb().dropped(CONSOLE_CLOSE.instance_busy.code, CONSOLE_CLOSE.instance_busy.text);
    await vi.advanceTimersByTimeAsync(0);
    expect(last()).toMatchObject({ state: "retrying", message: CONSOLE_CLOSE.instance_busy.text });
    await vi.advanceTimersByTimeAsync(500);
    lastRfb().dropped(CONSOLE_CLOSE.instance_busy.code);
    await vi.advanceTimersByTimeAsync(500);
    lastRfb().connected();
    expect(last()).toMatchObject({ state: "connected" });
    expect(rfbs).toHaveLength(3);
  });

  it("gives up after the most attempts, and starts over when asked", async () => {
    const s = session({ backoffMs: [100], maxAttempts: 3 });
    await vi.advanceTimersByTimeAsync(0);
    lastRfb().connected();
    for (let i = 0; i < 4; i++) {
      lastRfb().dropped(CONSOLE_CLOSE.display_closed.code);
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(last()).toMatchObject({ state: "closed", reason: "gave_up" });
    expect((last() as { message: string }).message).toMatch(/Gave up after 3 attempts\.$/);
    s.reconnect();
    await vi.advanceTimersByTimeAsync(0);
    expect(last()).toEqual({ state: "connecting", attempt: 0 });
  });

  it("stops for good when the page closes", async () => {
    const s = session({ backoffMs: [100] });
    await vi.advanceTimersByTimeAsync(0);
    const rfb = lastRfb();
    rfb.connected();
    s.stop();
    expect(rfb.disconnected).toBe(true);
    rfb.dropped(1006);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(rfbs).toHaveLength(1);
  });
});

describe("with a way to renew the token (the dashboard)", () => {
  it("renews it a minute before it expires, and reconnects with the fresh one", async () => {
    let n = 1;
    const renew = vi.fn(async () => ticket(++n, 600_000 + (n - 1) * 540_000));
    const tickets: ConsoleTicket[] = [];
    session({ renew, onTicket: (t) => tickets.push(t), backoffMs: [100] });
    await vi.advanceTimersByTimeAsync(0);
    lastRfb().connected();
    await vi.advanceTimersByTimeAsync(539_999);
    expect(renew).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(renew).toHaveBeenCalledTimes(1);
    expect(tickets.map((t) => t.url)).toEqual(["ws://cloud/console/websockify?token=t2"]);

    lastRfb().dropped(1006);
    await vi.advanceTimersByTimeAsync(100);
    expect(lastRfb().socket.url).toBe("ws://cloud/console/websockify?token=t2");
  });

  it("gets a new token by itself when the proxy says the old one expired", async () => {
    const renew = vi.fn(async () => ticket(2));
    session({ renew });
    await vi.advanceTimersByTimeAsync(0);
    lastRfb().dropped(CONSOLE_CLOSE.token_expired.code);
    await vi.advanceTimersByTimeAsync(0);
    expect(renew).toHaveBeenCalledTimes(1);
    expect(lastRfb().socket.url).toMatch(/token=t2$/);
    lastRfb().connected();
    expect(last()).toMatchObject({ state: "connected" });
  });

  it("says so when no new token can be had (e.g. the instance was deleted)", async () => {
    const renew = vi.fn(async () => {
      throw new Error("Instance 1 could not be found.");
    });
    session({ renew });
    await vi.advanceTimersByTimeAsync(0);
    lastRfb().dropped(CONSOLE_CLOSE.token_unknown.code);
    await vi.advanceTimersByTimeAsync(0);
    expect(last()).toEqual({
      state: "closed",
      message: "Could not get a new console link: Instance 1 could not be found.",
      reason: "renew_failed",
    });
  });
});
