// conductor.get_server_group — one server group by uuid, whoever owns it (the API applies the
// policy against its project, as Nova does).
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";
import { serverGroupSchema } from "../models/server-group.js";

export const getServerGroup = defineCall({
  service: "conductor",
  name: "get_server_group",
  version: "1.0",
  request: z.object({ uuid: z.uuid() }),
  reply: serverGroupSchema,
});
