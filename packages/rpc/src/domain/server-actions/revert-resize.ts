import { defineServerAction } from "./define";

/** revertResize: go back to the old flavor. */
export const revertResize = defineServerAction({
  name: "revert-resize",
  apiName: "revertResize",
  instanceAction: "revertResize",
  label: "Revert resize",
  policy: "servers:revert_resize",
  vmStates: ["resized"],
  taskStates: [null],
  taskState: "resize_reverting",
});
