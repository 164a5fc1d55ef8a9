// compute.confirm_resize: keep the new flavor. The resize happened in place, so there is nothing
// left to clean up on the hypervisor; the server goes back to ACTIVE or SHUTOFF as its guest is.
import { handler, confirmResize, type Handler } from "@nimbus/rpc";
import type { ComputeDeps } from "../deps";
import { instanceOperation, taskStateOf } from "../instance-operation";
import { PowerState } from "../virt/driver";

export function confirmResizeHandler(deps: ComputeDeps): Handler {
  return handler(
    confirmResize,
    instanceOperation(deps, {
      event: "compute_confirm_resize",
      taskState: () => taskStateOf("confirm-resize"),
      async run({ instance }) {
        const powerState = await deps.driver.powerState(instance.uuid);
        const vmState = powerState === PowerState.SHUTDOWN ? "stopped" : "active";
        return { changes: { vmState, taskState: null, powerState, resize: "confirmed" } };
      },
    }),
  );
}
