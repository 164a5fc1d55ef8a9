import { defineServerAction } from "./define";

/** os-start */
export const start = defineServerAction({
  name: "start",
  apiName: "start",
  instanceAction: "start",
  label: "Start",
  policy: "servers:start",
  vmStates: ["stopped"],
  taskStates: [null],
  taskState: "powering-on",
});
