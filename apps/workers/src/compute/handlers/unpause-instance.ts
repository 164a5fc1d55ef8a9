// compute.unpause_instance: let a paused guest run again.
import { handler, unpauseInstance, type Handler } from "@nimbus/rpc";
import type { ComputeDeps } from "../deps";
import { instanceOperation, taskStateOf } from "../instance-operation";
import { PowerState } from "../virt/driver";

export function unpauseInstanceHandler(deps: ComputeDeps): Handler {
  return handler(
    unpauseInstance,
    instanceOperation(deps, {
      event: "compute_unpause_instance",
      taskState: () => taskStateOf("unpause"),
      async run({ instance }, { redelivered }) {
        // libvirt refuses to unpause twice; a replay finds the work done.
        const done =
          redelivered && (await deps.driver.powerState(instance.uuid)) === PowerState.RUNNING;
        if (!done) await deps.driver.unpause(instance.uuid);
        const powerState = await deps.driver.powerState(instance.uuid);
        return { changes: { vmState: "active", taskState: null, powerState } };
      },
    }),
  );
}
