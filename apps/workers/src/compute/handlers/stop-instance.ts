// compute.stop_instance: (os-stop) a clean ACPI shutdown, then power off after shutdown_timeout.
import { handler, stopInstance, type Handler } from "@nimbus/rpc";
import type { ComputeDeps } from "../deps";
import { instanceOperation, taskStateOf } from "../instance-operation";

export function stopInstanceHandler(deps: ComputeDeps): Handler {
  return handler(
    stopInstance,
    instanceOperation(deps, {
      event: "compute_stop_instance",
      taskState: () => taskStateOf("stop"),
      async run({ instance }) {
        await deps.driver.powerOff(instance.uuid);
        const powerState = await deps.driver.powerState(instance.uuid);
        return { changes: { vmState: "stopped", taskState: null, powerState } };
      },
    }),
  );
}
