// conductor.get_server — one server, looked up in the caller's project (another project's server
// is "not found", never "forbidden").
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";
import { projectId } from "../models/common.js";
import { instanceSchema } from "../models/instance.js";

export const getServer = defineCall({
  service: "conductor",
  name: "get_server",
  version: "1.0",
  request: z.object({
    uuid: z.string().min(1).max(255),
    /** null: any project (admins) */
    projectId: projectId.nullable(),
  }),
  reply: instanceSchema,
});
