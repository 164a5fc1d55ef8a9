import { defineServerAction } from "./define";

/** os-stop: a clean ACPI shutdown, then power off after a timeout. */
export const stop = defineServerAction({
  name: "stop",
  apiName: "stop",
  instanceAction: "stop",
  label: "Shut off",
  policy: "servers:stop",
  vmStates: ["active", "error"],
  taskStates: [null],
  taskState: "powering-off",
});
