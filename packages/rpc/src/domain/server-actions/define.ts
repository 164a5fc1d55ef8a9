// What every server action declares, once: who may run it, the states it is allowed in and the
// task state it sets. The REST API's guards, the conductor's compare-and-swap and the dashboard's
// buttons all read these definitions, so they can never disagree.
import type { PolicyName } from "../policy";
import type { TaskState, VmState } from "../states";

export interface ServerActionDefinition<Name extends string = string> {
  /** our name for it, also the name of its file */
  name: Name;
  /** the name Nova uses in 409 messages ("Cannot 'stop' instance …") */
  apiName: string;
  /** the instance-actions record (os-instance-actions `action`) */
  instanceAction: string;
  /** label for people (dashboard) */
  label: string;
  policy: PolicyName;
  /** vm_states the action is allowed in; `null` means any */
  vmStates: readonly VmState[] | null;
  /** task states the action is allowed in (null = no task); `null` means any */
  taskStates: readonly (TaskState | null)[] | null;
  /** refuse servers that never finished booting (Nova's must_have_launched) */
  mustHaveLaunched: boolean;
  /** refuse locked servers unless the caller is an admin */
  respectsLock: boolean;
  /** the task state set when the action is accepted (compare-and-swap from the current one) */
  taskState: TaskState | null;
  /** worth a confirmation in the dashboard */
  destructive?: boolean;
}

export function defineServerAction<const N extends string>(
  def: Omit<ServerActionDefinition<N>, "mustHaveLaunched" | "respectsLock"> &
    Partial<Pick<ServerActionDefinition<N>, "mustHaveLaunched" | "respectsLock">>,
): ServerActionDefinition<N> {
  return { mustHaveLaunched: true, respectsLock: true, ...def };
}

export interface GuardedInstance {
  uuid: string;
  vmState: string;
  taskState: string | null;
  launchedAt: Date | string | null;
  locked: boolean;
}

export type GuardRefusal =
  | { reason: "locked"; message: string }
  | {
      reason: "state";
      attr: "vm_state" | "task_state" | "launched_at";
      state: string | null;
      message: string;
    };

/** Why `action` cannot run on `instance` now, in Nova's words, or null if it can. */
export function refuseServerAction(
  action: ServerActionDefinition,
  instance: GuardedInstance,
  opts: { isAdmin: boolean },
): GuardRefusal | null {
  if (action.respectsLock && instance.locked && !opts.isAdmin) {
    return { reason: "locked", message: `Instance ${instance.uuid} is locked` };
  }
  const conflict = (
    attr: "vm_state" | "task_state" | "launched_at",
    state: string | null,
  ): GuardRefusal => ({
    reason: "state",
    attr,
    state,
    message: `Cannot '${action.apiName}' instance ${instance.uuid} while it is in ${attr} ${state ?? "None"}`,
  });
  if (action.vmStates && !action.vmStates.includes(instance.vmState as VmState)) {
    return conflict("vm_state", instance.vmState);
  }
  if (action.taskStates && !action.taskStates.includes(instance.taskState as TaskState | null)) {
    return conflict("task_state", instance.taskState);
  }
  if (action.mustHaveLaunched && !instance.launchedAt) return conflict("launched_at", null);
  return null;
}
