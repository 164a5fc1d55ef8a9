// compute.revert_resize: go back to the old flavor's memory and vCPUs. The root disk was grown in
// place and qcow2 cannot shrink safely, so it keeps its grown size (Nova copies the disk instead).
import { handler, revertResize, type Handler } from "@nimbus/rpc";
import type { ComputeDeps } from "../deps";
import { instanceOperation, taskStateOf } from "../instance-operation";
import { existingInstanceSpec } from "../spec";
import { PowerState } from "../virt/driver";

export function revertResizeHandler(deps: ComputeDeps): Handler {
  return handler(
    revertResize,
    instanceOperation(deps, {
      event: "compute_revert_resize",
      taskState: () => taskStateOf("revert-resize"),
      async run({ instance }) {
        const old = instance.oldFlavor;
        if (!old) throw new Error(`revert of ${instance.uuid}: no flavor to go back to`);
        const rootGb = Math.max(old.rootGb, instance.flavor.rootGb);
        await deps.driver.resize(instance.uuid, existingInstanceSpec(instance, { ...old, rootGb }));
        const powerState = await deps.driver.powerState(instance.uuid);
        const vmState = powerState === PowerState.SHUTDOWN ? "stopped" : "active";
        return { changes: { vmState, taskState: null, powerState, resize: "reverted" } };
      },
    }),
  );
}
