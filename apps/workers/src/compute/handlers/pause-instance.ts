// compute.pause_instance: freeze the guest in memory.
import { handler, pauseInstance, type Handler } from "@nimbus/rpc";
import type { ComputeDeps } from "../deps";
import { instanceOperation, taskStateOf } from "../instance-operation";
import { PowerState } from "../virt/driver";

export function pauseInstanceHandler(deps: ComputeDeps): Handler {
  return handler(
    pauseInstance,
    instanceOperation(deps, {
      event: "compute_pause_instance",
      taskState: () => taskStateOf("pause"),
      async run({ instance }, { redelivered }) {
        // libvirt refuses to pause twice; a replay finds the work done.
        const done =
          redelivered && (await deps.driver.powerState(instance.uuid)) === PowerState.PAUSED;
        if (!done) await deps.driver.pause(instance.uuid);
        const powerState = await deps.driver.powerState(instance.uuid);
        return { changes: { vmState: "paused", taskState: null, powerState } };
      },
    }),
  );
}
