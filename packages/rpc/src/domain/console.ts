// The remote console's shared vocabulary: where the page and the websocket live, when an instance
// has a console, and every reason a console session can be refused or closed — with the words a
// person is shown. The proxy (apps/web/src/console) closes with these codes; the page maps them
// back. Browser-safe.
import { z } from "zod";
import { PowerState, type PowerStateValue, type TaskState, type VmState } from "./states";

/** The full-page console (a Next.js page). */
export const CONSOLE_PAGE_PATH = "/console";
/** The websocket → VNC proxy. */
export const CONSOLE_WEBSOCKET_PATH = "/console/websockify";

/** Console types this cloud serves (Nova's `novnc`); others are refused as Nova refuses them. */
export const CONSOLE_TYPES = ["novnc"] as const;
export type ConsoleType = (typeof CONSOLE_TYPES)[number];

/**
 * The console URL the API returns, in Nova's shape: the page, with noVNC's `path` parameter naming
 * the websocket (relative to the server's root, token included). `base` is the public origin plus
 * any path prefix the server is reached under, without a trailing slash.
 */
export function consoleUrl(base: string, token: string): string {
  const prefix = new URL(`${base}/`).pathname.replace(/^\/+/, "");
  const path = `${prefix}${CONSOLE_WEBSOCKET_PATH.slice(1)}?token=${token}`;
  return `${base}${CONSOLE_PAGE_PATH}?path=${encodeURIComponent(path)}`;
}

/**
 * The websocket URL for a page at `location` opened with a console URL's query (`path`, as noVNC's
 * own pages read it, or a bare `token`). Null when the query names neither.
 */
export function consoleWebsocketUrl(location: {
  protocol: string;
  host: string;
  search: string;
}): string | null {
  const query = new URLSearchParams(location.search);
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const path = query.get("path");
  if (path) return `${scheme}//${location.host}/${path.replace(/^\/+/, "")}`;
  const token = query.get("token");
  if (token) {
    return `${scheme}//${location.host}${CONSOLE_WEBSOCKET_PATH}?token=${encodeURIComponent(token)}`;
  }
  return null;
}

/**
 * An instance has a console while its guest runs (or is paused: the display stays, frozen):
 * Nova's "not ready" otherwise.
 */
export function hasConsole(instance: { vmState: VmState; powerState: PowerStateValue }): boolean {
  const guestUp =
    instance.powerState === PowerState.RUNNING || instance.powerState === PowerState.PAUSED;
  return guestUp && ["active", "paused", "resized"].includes(instance.vmState);
}

/** Tasks after which the guest's display comes back (a new QEMU, maybe on another port). */
const RETURNING: readonly TaskState[] = [
  "rebooting",
  "reboot_pending",
  "reboot_started",
  "rebooting_hard",
  "reboot_pending_hard",
  "reboot_started_hard",
  "powering-on",
  "resuming",
  "unpausing",
  "resize_prep",
  "resize_migrating",
  "resize_migrated",
  "resize_finish",
  "resize_reverting",
  "resize_confirming",
  "rebuilding",
  "rebuild_block_device_mapping",
  "rebuild_spawning",
];

/** Tasks that take the display away for good. */
const LEAVING: readonly TaskState[] = ["powering-off", "suspending"];

/**
 * What a console of this instance can do now: be opened (`available`), wait for a task that
 * brings the display back (`busy`: a reboot, a start, a resize), not be opened because the guest
 * is going down (`stopping`: open sessions may still watch it go) or is down (`not_running`), or
 * never again (`deleted`).
 */
export function consoleStateOf(instance: {
  vmState: VmState;
  powerState: PowerStateValue;
  taskState: TaskState | null;
}): "available" | "busy" | "stopping" | "deleted" | "not_running" {
  const { vmState, taskState } = instance;
  if (vmState === "deleted" || vmState === "soft-delete") return "deleted";
  if (taskState === "deleting" || taskState === "soft-deleting") return "deleted";
  if (taskState && RETURNING.includes(taskState)) return "busy";
  if (!hasConsole(instance)) return "not_running";
  return taskState && LEAVING.includes(taskState) ? "stopping" : "available";
}

/** Why consoleauth refuses a token. */
export const consoleRefusalSchema = z.enum([
  "token_unknown",
  "token_expired",
  "instance_deleted",
  "instance_not_running",
  "instance_busy",
  "host_mismatch",
]);
export type ConsoleRefusal = z.infer<typeof consoleRefusalSchema>;

export type ConsoleCloseReason =
  | ConsoleRefusal
  | "token_missing"
  | "too_many_sessions"
  | "host_unreachable"
  | "instance_stopped"
  | "display_closed"
  | "idle_timeout"
  | "session_limit"
  | "proxy_shutdown"
  | "service_unavailable";

export interface ConsoleClose {
  /** the websocket close code (4000–4999: application-defined) */
  code: number;
  /** what the person is told; at most 123 bytes, the limit of a close frame's reason */
  text: string;
  /** worth reconnecting by itself (with the same or a renewed token) */
  retry: boolean;
  /** a fresh token solves it: a console that can get one renews and reconnects by itself */
  renew: boolean;
}

export const CONSOLE_CLOSE: Record<ConsoleCloseReason, ConsoleClose> = {
  token_missing: {
    code: 4000,
    text: "This console link is incomplete: it carries no token.",
    retry: false,
    renew: true,
  },
  token_unknown: {
    code: 4001,
    text: "This console link is not valid: it was mistyped, or its instance was deleted.",
    retry: false,
    renew: true,
  },
  token_expired: {
    code: 4002,
    text: "This console link has expired. Open the console again to get a new one.",
    retry: false,
    renew: true,
  },
  instance_deleted: { code: 4003, text: "The instance was deleted.", retry: false, renew: false },
  instance_not_running: {
    code: 4004,
    text: "The instance is not running. Start it, then open the console again.",
    retry: false,
    renew: false,
  },
  host_mismatch: {
    code: 4005,
    text: "The instance moved to another host. Open the console again.",
    retry: false,
    renew: true,
  },
  too_many_sessions: {
    code: 4006,
    text: "This console is already open in too many windows. Close one, or open the console again.",
    retry: false,
    renew: false,
  },
  host_unreachable: {
    code: 4007,
    text: "The instance's host could not be reached: its display is not answering.",
    retry: true,
    renew: false,
  },
  instance_stopped: {
    code: 4008,
    text: "The instance stopped running.",
    retry: false,
    renew: false,
  },
  instance_busy: {
    code: 4014,
    text: "The instance is restarting; the console reconnects once it is back.",
    retry: true,
    renew: false,
  },
  display_closed: {
    code: 4009,
    text: "The instance's display closed the connection.",
    retry: true,
    renew: false,
  },
  idle_timeout: {
    code: 4010,
    text: "The console was closed after a long time without input.",
    retry: false,
    renew: false,
  },
  session_limit: {
    code: 4011,
    text: "The console session reached its time limit.",
    retry: false,
    renew: false,
  },
  proxy_shutdown: {
    code: 4012,
    text: "The console proxy is restarting.",
    retry: true,
    renew: false,
  },
  service_unavailable: {
    code: 4013,
    text: "The console service is not answering right now.",
    retry: true,
    renew: false,
  },
};

const BY_CODE = new Map(
  Object.entries(CONSOLE_CLOSE).map(([reason, c]) => [c.code, reason as ConsoleCloseReason]),
);

/** The reason behind a close code the proxy sent, or null for any other code. */
export function consoleCloseReasonOf(code: number): ConsoleCloseReason | null {
  return BY_CODE.get(code) ?? null;
}

/**
 * consoleauth's words for a refusal, as precise as the instance's state allows (a person reads
 * them when a session ends or cannot start).
 */
export function consoleRefusalText(
  reason: ConsoleRefusal,
  instance: { vmState: VmState; taskState: TaskState | null },
): string {
  const { vmState, taskState } = instance;
  if (reason === "instance_not_running") {
    if (taskState === "powering-off") return "The instance is being stopped.";
    if (taskState === "suspending") return "The instance is being suspended.";
    if (vmState === "suspended") {
      return "The instance is suspended. Resume it, then open the console again.";
    }
  }
  if (reason === "instance_busy") {
    const back = "the console reconnects once it is back.";
    if (taskState?.startsWith("reboot")) return `The instance is rebooting; ${back}`;
    if (taskState === "powering-on" || taskState === "resuming") {
      return `The instance is starting; ${back}`;
    }
    if (taskState?.startsWith("resize")) return `The instance is being resized; ${back}`;
  }
  return CONSOLE_CLOSE[reason].text;
}

/** How the proxy words the end of a session whose instance changed to `vmState`. */
export function instanceStoppedText(vmState: VmState): string {
  switch (vmState) {
    case "stopped":
      return "The instance was stopped.";
    case "suspended":
      return "The instance was suspended.";
    case "error":
      return "The instance went into an error state.";
    case "deleted":
    case "soft-delete":
      return "The instance was deleted.";
    default:
      return CONSOLE_CLOSE.instance_stopped.text;
  }
}
