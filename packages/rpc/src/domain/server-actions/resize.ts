import { defineServerAction } from "./define";

/** resize {flavorRef}: move to another flavor; ends in VERIFY_RESIZE awaiting confirm or revert. */
export const resize = defineServerAction({
  name: "resize",
  apiName: "resize",
  instanceAction: "resize",
  label: "Resize",
  policy: "servers:resize",
  vmStates: ["active", "stopped"],
  taskStates: [null],
  taskState: "resize_prep",
});
