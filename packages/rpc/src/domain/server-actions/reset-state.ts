import { defineServerAction } from "./define";

/** os-resetState (admin): force vm_state to active or error and clear the task state. */
export const resetState = defineServerAction({
  name: "reset-state",
  apiName: "os-resetState",
  instanceAction: "resetState",
  label: "Reset state",
  policy: "servers:reset_state",
  vmStates: null,
  taskStates: null,
  mustHaveLaunched: false,
  respectsLock: false,
  taskState: null,
  destructive: true,
});
