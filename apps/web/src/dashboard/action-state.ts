// An instance action as the task drawer and the action log show it: a label, and whether it is
// running, succeeded or failed (Nova marks a failed action with the message "Error").
import { serverActions } from "@nimbus/rpc/domain";

export type ActionState = "running" | "succeeded" | "failed";

export function actionState(a: {
  finishTime: string | null;
  message: string | null;
  events: { result: string | null }[];
}): ActionState {
  if (a.message === "Error" || a.events.some((e) => e.result === "Error")) return "failed";
  return a.finishTime ? "succeeded" : "running";
}

const LABELS: Record<string, string> = {
  ...Object.fromEntries(Object.values(serverActions).map((d) => [d.instanceAction, d.label])),
  create: "Launch",
  // Soft and hard reboots are both recorded as `reboot`.
  reboot: "Reboot",
};

/** "Stop", "Hard reboot", "Launch"; an unknown action as it is named. */
export const actionLabel = (action: string) => LABELS[action] ?? action;

/** Nova's event names as steps a person can read. */
const EVENTS: Record<string, string> = {
  conductor_schedule_and_build_instances: "Scheduling",
  compute_build_and_run_instance: "Building on the host",
};

export const eventLabel = (event: string) =>
  EVENTS[event] ??
  event
    .replace(/^(compute|conductor|api|scheduler)_/, "")
    .replaceAll("_", " ")
    .replace(/^./, (c) => c.toUpperCase());
