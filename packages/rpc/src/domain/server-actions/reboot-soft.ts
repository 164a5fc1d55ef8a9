import { defineServerAction } from "./define";

/** reboot {type: SOFT}: ACPI shutdown and start again; falls back to a hard reboot on a timeout. */
export const rebootSoft = defineServerAction({
  name: "reboot-soft",
  apiName: "reboot",
  instanceAction: "reboot",
  label: "Soft reboot",
  policy: "servers:reboot",
  vmStates: ["active"],
  taskStates: [null],
  respectsLock: false,
  taskState: "rebooting",
});
