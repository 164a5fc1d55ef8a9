// conductor.delete_server_group — remove a group; its servers stay, without a group.
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";

export const deleteServerGroup = defineCall({
  service: "conductor",
  name: "delete_server_group",
  version: "1.0",
  request: z.object({ uuid: z.uuid() }),
  reply: z.object({}),
});
