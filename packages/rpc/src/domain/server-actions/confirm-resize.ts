import { defineServerAction } from "./define";

/** confirmResize: keep the new flavor. */
export const confirmResize = defineServerAction({
  name: "confirm-resize",
  apiName: "confirmResize",
  instanceAction: "confirmResize",
  label: "Confirm resize",
  policy: "servers:confirm_resize",
  vmStates: ["resized"],
  taskStates: [null],
  taskState: "resize_confirming",
});
