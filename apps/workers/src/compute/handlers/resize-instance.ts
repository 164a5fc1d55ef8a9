// compute.resize_instance: redefine the domain with the new flavor on this same host (growing its
// disk), keeping its power state; the server then waits in VERIFY_RESIZE for a confirm or revert.
import { handler, resizeInstance, type Handler } from "@nimbus/rpc";
import type { ComputeDeps } from "../deps";
import { instanceOperation, taskStateOf } from "../instance-operation";
import { existingInstanceSpec } from "../spec";

export function resizeInstanceHandler(deps: ComputeDeps): Handler {
  return handler(
    resizeInstance,
    instanceOperation(deps, {
      event: "compute_resize_instance",
      taskState: () => taskStateOf("resize"),
      async run({ instance }) {
        if (!instance.newFlavor) throw new Error(`resize of ${instance.uuid} names no new flavor`);
        await deps.driver.resize(instance.uuid, existingInstanceSpec(instance, instance.newFlavor));
        const powerState = await deps.driver.powerState(instance.uuid);
        return { changes: { vmState: "resized", taskState: null, powerState, resize: "finished" } };
      },
    }),
  );
}
