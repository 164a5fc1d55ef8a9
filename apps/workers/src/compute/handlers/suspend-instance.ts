// compute.suspend_instance: save the guest's memory to disk and stop it; the power state is what the driver then reports.
import { handler, suspendInstance, type Handler } from "@nimbus/rpc";
import type { ComputeDeps } from "../deps";
import { instanceOperation, taskStateOf } from "../instance-operation";

export function suspendInstanceHandler(deps: ComputeDeps): Handler {
  return handler(
    suspendInstance,
    instanceOperation(deps, {
      event: "compute_suspend_instance",
      taskState: () => taskStateOf("suspend"),
      async run({ instance }) {
        await deps.driver.suspend(instance.uuid);
        const powerState = await deps.driver.powerState(instance.uuid);
        return { changes: { vmState: "suspended", taskState: null, powerState } };
      },
    }),
  );
}
