// compute.start_instance: (os-start) power a stopped server on.
import { handler, startInstance, type Handler } from "@nimbus/rpc";
import type { ComputeDeps } from "../deps";
import { instanceOperation, taskStateOf } from "../instance-operation";

export function startInstanceHandler(deps: ComputeDeps): Handler {
  return handler(
    startInstance,
    instanceOperation(deps, {
      event: "compute_start_instance",
      taskState: () => taskStateOf("start"),
      async run({ instance }) {
        await deps.driver.powerOn(instance.uuid);
        const powerState = await deps.driver.powerState(instance.uuid);
        return { changes: { vmState: "active", taskState: null, powerState } };
      },
    }),
  );
}
