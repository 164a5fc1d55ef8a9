import { defineServerAction } from "./define";

/** unlock (an admin may unlock what another user locked) */
export const unlock = defineServerAction({
  name: "unlock",
  apiName: "unlock",
  instanceAction: "unlock",
  label: "Unlock",
  policy: "servers:unlock",
  vmStates: null,
  taskStates: null,
  mustHaveLaunched: false,
  respectsLock: false,
  taskState: null,
});
