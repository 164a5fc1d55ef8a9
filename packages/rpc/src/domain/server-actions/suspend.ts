import { defineServerAction } from "./define";

/** suspend: save the guest's memory to disk and stop it (libvirt managed save). */
export const suspend = defineServerAction({
  name: "suspend",
  apiName: "suspend",
  instanceAction: "suspend",
  label: "Suspend",
  policy: "servers:suspend",
  vmStates: ["active"],
  taskStates: [null],
  taskState: "suspending",
});
