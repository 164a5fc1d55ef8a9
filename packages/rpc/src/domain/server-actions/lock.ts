import { defineServerAction } from "./define";

/** lock: refuse state-changing actions by non-admins until unlocked. */
export const lock = defineServerAction({
  name: "lock",
  apiName: "lock",
  instanceAction: "lock",
  label: "Lock",
  policy: "servers:lock",
  vmStates: null,
  taskStates: null,
  mustHaveLaunched: false,
  respectsLock: false,
  taskState: null,
});
