// conductor.update_server — PUT /servers/{id}: the fields a user may rename.
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";
import { projectId } from "../models/common.js";
import { instanceSchema } from "../models/instance.js";

export const updateServer = defineCall({
  service: "conductor",
  name: "update_server",
  version: "1.0",
  request: z.object({
    uuid: z.string().min(1).max(255),
    projectId: projectId.nullable(),
    changes: z.object({
      name: z.string().min(1).max(255).optional(),
      description: z.string().max(255).nullable().optional(),
      hostname: z.string().min(1).max(255).optional(),
      accessIpV4: z.string().max(64).nullable().optional(),
      accessIpV6: z.string().max(64).nullable().optional(),
    }),
  }),
  reply: instanceSchema,
});
