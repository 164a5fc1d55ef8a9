// Nova's instance state machine: vm_state (what the instance is), task_state (what is happening
// to it now), power_state (what the hypervisor last said), and the API `status` derived from them.
// Pure data and functions: shared by the REST API, the workers and the dashboard (browser-safe).
import { z } from "zod";

export const VM_STATES = [
  "building",
  "active",
  "paused",
  "suspended",
  "stopped",
  "resized",
  "rescued",
  "error",
  "deleted",
  "soft-delete",
  "shelved",
  "shelved_offloaded",
] as const;
export const vmStateSchema = z.enum(VM_STATES);
export type VmState = z.infer<typeof vmStateSchema>;

export const TASK_STATES = [
  "scheduling",
  "block_device_mapping",
  "networking",
  "spawning",
  "rebooting",
  "reboot_pending",
  "reboot_started",
  "rebooting_hard",
  "reboot_pending_hard",
  "reboot_started_hard",
  "pausing",
  "unpausing",
  "suspending",
  "resuming",
  "powering-off",
  "powering-on",
  "resize_prep",
  "resize_migrating",
  "resize_migrated",
  "resize_finish",
  "resize_reverting",
  "resize_confirming",
  "rebuilding",
  "rebuild_block_device_mapping",
  "rebuild_spawning",
  "migrating",
  "deleting",
  "soft-deleting",
  "restoring",
] as const;
export const taskStateSchema = z.enum(TASK_STATES);
export type TaskState = z.infer<typeof taskStateSchema>;

/** Nova's power states (nova/compute/power_state.py); 2 and 5 are unused there too. */
export const PowerState = {
  NOSTATE: 0,
  RUNNING: 1,
  PAUSED: 3,
  SHUTDOWN: 4,
  CRASHED: 6,
  SUSPENDED: 7,
} as const;
export const powerStateSchema = z.union([
  z.literal(0),
  z.literal(1),
  z.literal(3),
  z.literal(4),
  z.literal(6),
  z.literal(7),
]);
export type PowerStateValue = z.infer<typeof powerStateSchema>;

export const POWER_STATE_NAMES: Record<PowerStateValue, string> = {
  0: "NOSTATE",
  1: "RUNNING",
  3: "PAUSED",
  4: "SHUTDOWN",
  6: "CRASHED",
  7: "SUSPENDED",
};

export const SERVER_STATUSES = [
  "ACTIVE",
  "BUILD",
  "DELETED",
  "ERROR",
  "HARD_REBOOT",
  "MIGRATING",
  "PASSWORD",
  "PAUSED",
  "REBOOT",
  "REBUILD",
  "RESCUE",
  "RESIZE",
  "REVERT_RESIZE",
  "SHELVED",
  "SHELVED_OFFLOADED",
  "SHUTOFF",
  "SOFT_DELETED",
  "SUSPENDED",
  "UNKNOWN",
  "VERIFY_RESIZE",
] as const;
export type ServerStatus = (typeof SERVER_STATUSES)[number];

const RESIZING: TaskState[] = [
  "resize_prep",
  "resize_migrating",
  "resize_migrated",
  "resize_finish",
];
const REBUILDING: TaskState[] = ["rebuilding", "rebuild_block_device_mapping", "rebuild_spawning"];
const each = (states: TaskState[], status: ServerStatus) =>
  Object.fromEntries(states.map((s) => [s, status])) as Partial<Record<TaskState, ServerStatus>>;

/** vm_state → (task_state → status), with a default per vm_state: Nova's _STATE_MAP. */
const STATE_MAP: Record<
  VmState,
  { default: ServerStatus } & Partial<Record<TaskState, ServerStatus>>
> = {
  active: {
    default: "ACTIVE",
    ...each(["rebooting", "reboot_pending", "reboot_started"], "REBOOT"),
    ...each(["rebooting_hard", "reboot_pending_hard", "reboot_started_hard"], "HARD_REBOOT"),
    ...each(REBUILDING, "REBUILD"),
    migrating: "MIGRATING",
    ...each(RESIZING, "RESIZE"),
  },
  building: { default: "BUILD" },
  stopped: { default: "SHUTOFF", ...each(RESIZING, "RESIZE"), ...each(REBUILDING, "REBUILD") },
  resized: { default: "VERIFY_RESIZE", resize_reverting: "REVERT_RESIZE" },
  paused: { default: "PAUSED", migrating: "MIGRATING" },
  suspended: { default: "SUSPENDED" },
  rescued: { default: "RESCUE" },
  error: { default: "ERROR", ...each(REBUILDING, "REBUILD") },
  deleted: { default: "DELETED" },
  "soft-delete": { default: "SOFT_DELETED" },
  shelved: { default: "SHELVED" },
  shelved_offloaded: { default: "SHELVED_OFFLOADED" },
};

/** The API `status` of a server. */
export function statusFromState(vmState: string, taskState: string | null): ServerStatus {
  const byTask = STATE_MAP[vmState as VmState];
  if (!byTask) return "UNKNOWN";
  return (taskState && byTask[taskState as TaskState]) || byTask.default;
}

/**
 * The inverse, for `?status=` filters: which (vm_state, task_state) pairs show a status. A pair
 * either names its task states, or takes every task state except those that map elsewhere
 * (`exceptTaskStates`, where a null task state is included).
 */
export type StateSelector =
  | { vmState: VmState; taskStates: TaskState[] }
  | { vmState: VmState; exceptTaskStates: TaskState[] };

export function statesFromStatus(status: string): StateSelector[] {
  const wanted = status.toUpperCase();
  const out: StateSelector[] = [];
  for (const vmState of VM_STATES) {
    const { default: dflt, ...byTask } = STATE_MAP[vmState];
    const entries = Object.entries(byTask) as Array<[TaskState, ServerStatus]>;
    if (dflt === wanted) {
      out.push({
        vmState,
        exceptTaskStates: entries.filter(([, s]) => s !== wanted).map(([t]) => t),
      });
    } else {
      const tasks = entries.filter(([, s]) => s === wanted).map(([t]) => t);
      if (tasks.length) out.push({ vmState, taskStates: tasks });
    }
  }
  return out;
}

/** Task states under which a server is still being built (a restarted compute errors these). */
export const BUILDING_TASK_STATES: readonly TaskState[] = [
  "scheduling",
  "block_device_mapping",
  "networking",
  "spawning",
];
