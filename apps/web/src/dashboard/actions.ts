// Which server actions a person may run on a server now, and why not, in plain words. Built on the
// shared definitions (packages/rpc/src/domain/server-actions): `refuseServerAction` is the guard
// the conductor applies and `allowed` the policy the API applies, so the dashboard can never
// offer what the API would refuse.
import {
  allowed,
  refuseServerAction,
  serverActions,
  type Credentials,
  type ServerActionName,
} from "@nimbus/rpc/domain";

/** What the dashboard knows about a server to judge an action (a ServerView fits). */
export interface ActionTarget {
  id: string;
  projectId: string;
  status: string;
  vmState: string;
  taskState: string | null;
  launchedAt: string | null;
  locked: boolean;
}

export type Availability =
  | { ok: true }
  | {
      ok: false;
      reason: string;
      /** the caller's role forbids it (not the server's state) */ policy: boolean;
    };

/** The actions offered from buttons and menus, in menu order (resize has its own dialog). */
export const MENU_ACTIONS = [
  "start",
  "stop",
  "reboot-soft",
  "reboot-hard",
  "pause",
  "unpause",
  "suspend",
  "resume",
  "confirm-resize",
  "revert-resize",
  "lock",
  "unlock",
  "reset-state",
  "delete",
] as const satisfies readonly ServerActionName[];
export type MenuAction = (typeof MENU_ACTIONS)[number];

const roleName = (c: Credentials) =>
  c.roles.includes("admin") ? "admin" : c.roles.includes("member") ? "member" : "reader";

export function availability(
  action: ServerActionName,
  server: ActionTarget,
  viewer: Credentials & { isAdmin: boolean },
): Availability {
  const def = serverActions[action];
  if (!allowed(viewer, def.policy, server.projectId)) {
    return {
      ok: false,
      policy: true,
      reason: `Your role here (${roleName(viewer)}) does not allow this.`,
    };
  }
  const refusal = refuseServerAction(
    def,
    { ...server, uuid: server.id },
    { isAdmin: viewer.isAdmin },
  );
  if (!refusal) return { ok: true };
  if (refusal.reason === "locked")
    return { ok: false, policy: false, reason: "The instance is locked." };
  if (refusal.attr === "launched_at") {
    return { ok: false, policy: false, reason: "The instance has not finished building." };
  }
  if (refusal.attr === "task_state" && server.taskState) {
    return { ok: false, policy: false, reason: `Not while the instance is ${server.taskState}.` };
  }
  return {
    ok: false,
    policy: false,
    reason: `Not possible while the instance is ${server.status}.`,
  };
}

/** Admin-only actions are hidden from others rather than shown disabled. */
export const adminOnly = (action: ServerActionName) =>
  serverActions[action].policy === "servers:reset_state";

/** Whether the server has sat in one task state past the threshold (the dashboard flags it). */
export function isStuck(
  server: { taskState: string | null; updatedAt: string },
  now: number,
  thresholdSeconds: number,
): boolean {
  return server.taskState !== null && now - Date.parse(server.updatedAt) > thresholdSeconds * 1000;
}
