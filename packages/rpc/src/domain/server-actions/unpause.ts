import { defineServerAction } from "./define";

/** unpause */
export const unpause = defineServerAction({
  name: "unpause",
  apiName: "unpause",
  instanceAction: "unpause",
  label: "Resume from pause",
  policy: "servers:unpause",
  vmStates: ["paused"],
  taskStates: [null],
  taskState: "unpausing",
});
