// compute.terminate_instance: destroy the domain and its disk, then conductor.instance_destroyed.
// Idempotent: a domain that is already gone is fine. A failed delete leaves the server in ERROR,
// as Nova does, so the user can delete it again.
import { handler, terminateInstance, type Handler } from "@nimbus/rpc";
import type { ComputeDeps } from "../deps";
import { instanceOperation, taskStateOf } from "../instance-operation";

export function terminateInstanceHandler(deps: ComputeDeps): Handler {
  return handler(
    terminateInstance,
    instanceOperation(deps, {
      event: "compute_terminate_instance",
      taskState: () => taskStateOf("delete"),
      onFailure: { vmState: "error" },
      async run({ instance }) {
        await deps.driver.destroy(instance.uuid);
        return { destroyed: true };
      },
    }),
  );
}
