import { defineServerAction } from "./define";

/** DELETE /servers/{id}: allowed in any state, even mid-build (Nova's "delete no matter what"). */
export const deleteServer = defineServerAction({
  name: "delete",
  apiName: "delete",
  instanceAction: "delete",
  label: "Delete",
  policy: "servers:delete",
  vmStates: null,
  taskStates: null,
  mustHaveLaunched: false,
  taskState: "deleting",
  destructive: true,
});
