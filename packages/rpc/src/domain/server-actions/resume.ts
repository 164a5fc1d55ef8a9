import { defineServerAction } from "./define";

/** resume a suspended server */
export const resume = defineServerAction({
  name: "resume",
  apiName: "resume",
  instanceAction: "resume",
  label: "Resume",
  policy: "servers:resume",
  vmStates: ["suspended"],
  taskStates: [null],
  taskState: "resuming",
});
