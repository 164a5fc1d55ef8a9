import { defineServerAction } from "./define";

/** pause: freeze the guest in memory. */
export const pause = defineServerAction({
  name: "pause",
  apiName: "pause",
  instanceAction: "pause",
  label: "Pause",
  policy: "servers:pause",
  vmStates: ["active"],
  taskStates: [null],
  taskState: "pausing",
});
