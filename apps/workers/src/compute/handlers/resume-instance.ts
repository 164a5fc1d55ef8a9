// compute.resume_instance: restore a suspended guest where it was.
import { handler, resumeInstance, type Handler } from "@nimbus/rpc";
import type { ComputeDeps } from "../deps";
import { instanceOperation, taskStateOf } from "../instance-operation";

export function resumeInstanceHandler(deps: ComputeDeps): Handler {
  return handler(
    resumeInstance,
    instanceOperation(deps, {
      event: "compute_resume_instance",
      taskState: () => taskStateOf("resume"),
      async run({ instance }) {
        await deps.driver.resume(instance.uuid);
        const powerState = await deps.driver.powerState(instance.uuid);
        return { changes: { vmState: "active", taskState: null, powerState } };
      },
    }),
  );
}
