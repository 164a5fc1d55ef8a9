import { describe, expect, it } from "vitest";
import {
  CONSOLE_CLOSE,
  consoleCloseReasonOf,
  consoleRefusalText,
  consoleStateOf,
  consoleUrl,
  consoleWebsocketUrl,
  hasConsole,
  instanceStoppedText,
} from "./console";
import { VM_STATES } from "./states";

const TOKEN = "q0pBSlrzbQmSxfExQk4a9YqY3B2wE3m3Cj8cyZHRRr0";

const pageOf = (url: string) => {
  const u = new URL(url);
  return { protocol: u.protocol, host: u.host, search: u.search, pathname: u.pathname };
};

describe("console URLs", () => {
  it("are Nova's shape: the page with noVNC's path parameter, which names the websocket", () => {
    const url = consoleUrl("http://cloud.example:8080", TOKEN);
    expect(url).toBe(
      `http://cloud.example:8080/console?path=console%2Fwebsockify%3Ftoken%3D${TOKEN}`,
    );
    const page = pageOf(url);
    expect(page.pathname).toBe("/console");
    expect(consoleWebsocketUrl(page)).toBe(
      `ws://cloud.example:8080/console/websockify?token=${TOKEN}`,
    );
  });

  it("keep a public path prefix and use wss behind https", () => {
    const url = consoleUrl("https://cloud.example/nimbus", TOKEN);
    const page = pageOf(url);
    expect(page.pathname).toBe("/nimbus/console");
    expect(consoleWebsocketUrl(page)).toBe(
      `wss://cloud.example/nimbus/console/websockify?token=${TOKEN}`,
    );
  });

  it("accept a bare token, and name no websocket without one", () => {
    expect(consoleWebsocketUrl({ protocol: "http:", host: "h:1", search: "?token=a+b" })).toBe(
      "ws://h:1/console/websockify?token=a%20b",
    );
    expect(consoleWebsocketUrl({ protocol: "http:", host: "h:1", search: "" })).toBeNull();
  });
});

describe("close codes", () => {
  const entries = Object.entries(CONSOLE_CLOSE);

  it("are distinct, application-defined codes that map back to their reason", () => {
    const codes = entries.map(([, c]) => c.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const [reason, c] of entries) {
      expect(c.code).toBeGreaterThanOrEqual(4000);
      expect(c.code).toBeLessThan(5000);
      expect(consoleCloseReasonOf(c.code)).toBe(reason);
    }
    expect(consoleCloseReasonOf(1006)).toBeNull();
    expect(consoleCloseReasonOf(1000)).toBeNull();
  });

  it("carry texts that fit a close frame (123 bytes) and read as sentences", () => {
    for (const [, c] of entries) {
      expect(Buffer.byteLength(c.text)).toBeLessThanOrEqual(123);
      expect(c.text).toMatch(/^[A-Z].*\.$/);
    }
    for (const state of VM_STATES) {
      expect(Buffer.byteLength(instanceStoppedText(state))).toBeLessThanOrEqual(123);
    }
  });

  it("never retry what only a person can fix", () => {
    for (const reason of [
      "token_unknown",
      "token_expired",
      "instance_deleted",
      "instance_not_running",
      "too_many_sessions",
      "instance_stopped",
    ] as const) {
      expect(CONSOLE_CLOSE[reason].retry, reason).toBe(false);
    }
    for (const reason of [
      "host_unreachable",
      "display_closed",
      "proxy_shutdown",
      "instance_busy",
    ] as const) {
      expect(CONSOLE_CLOSE[reason].retry, reason).toBe(true);
    }
  });
});

describe("hasConsole", () => {
  it("is true while the guest runs or is paused", () => {
    expect(hasConsole({ vmState: "active", powerState: 1 })).toBe(true);
    expect(hasConsole({ vmState: "paused", powerState: 3 })).toBe(true);
    expect(hasConsole({ vmState: "resized", powerState: 1 })).toBe(true);
  });

  it("is false for stopped, suspended, building, errored or deleted instances", () => {
    expect(hasConsole({ vmState: "stopped", powerState: 4 })).toBe(false);
    expect(hasConsole({ vmState: "suspended", powerState: 7 })).toBe(false);
    expect(hasConsole({ vmState: "building", powerState: 0 })).toBe(false);
    expect(hasConsole({ vmState: "error", powerState: 1 })).toBe(false);
    expect(hasConsole({ vmState: "deleted", powerState: 4 })).toBe(false);
    // a guest shut down from inside before the power sync told the cloud
    expect(hasConsole({ vmState: "active", powerState: 4 })).toBe(false);
  });
});

describe("consoleStateOf", () => {
  const running = { vmState: "active", powerState: 1, taskState: null } as const;

  it("is available while the guest runs, and stopping while it is being stopped", () => {
    expect(consoleStateOf(running)).toBe("available");
    expect(consoleStateOf({ ...running, taskState: "pausing" })).toBe("available");
    expect(consoleStateOf({ ...running, taskState: "powering-off" })).toBe("stopping");
    expect(consoleStateOf({ ...running, taskState: "suspending" })).toBe("stopping");
  });

  it("is busy during the tasks that bring the display back", () => {
    for (const taskState of [
      "rebooting",
      "rebooting_hard",
      "resize_prep",
      "powering-on",
    ] as const) {
      expect(consoleStateOf({ ...running, powerState: 4, taskState }), taskState).toBe("busy");
    }
  });

  it("is deleted once a delete started, and not running when stopped or suspended", () => {
    expect(consoleStateOf({ ...running, taskState: "deleting" })).toBe("deleted");
    expect(consoleStateOf({ vmState: "deleted", powerState: 0, taskState: null })).toBe("deleted");
    expect(consoleStateOf({ vmState: "stopped", powerState: 4, taskState: null })).toBe(
      "not_running",
    );
    expect(consoleStateOf({ vmState: "suspended", powerState: 7, taskState: null })).toBe(
      "not_running",
    );
  });
});

describe("consoleRefusalText", () => {
  it("says what is happening to the instance when its state tells", () => {
    const text = (
      reason: Parameters<typeof consoleRefusalText>[0],
      vmState: string,
      taskState: string | null,
    ) =>
      consoleRefusalText(reason, { vmState, taskState } as Parameters<
        typeof consoleRefusalText
      >[1]);
    expect(text("instance_not_running", "active", "powering-off")).toBe(
      "The instance is being stopped.",
    );
    expect(text("instance_not_running", "suspended", null)).toMatch(
      /^The instance is suspended\. Resume it/,
    );
    expect(text("instance_not_running", "stopped", null)).toBe(
      CONSOLE_CLOSE.instance_not_running.text,
    );
    expect(text("instance_busy", "active", "rebooting_hard")).toMatch(
      /^The instance is rebooting;/,
    );
    expect(text("instance_busy", "stopped", "powering-on")).toMatch(/^The instance is starting;/);
    expect(text("token_expired", "active", null)).toBe(CONSOLE_CLOSE.token_expired.text);
  });
});
