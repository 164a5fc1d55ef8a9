// conductor.create_server_group — a new group owned by the caller's project and user; the
// project's server_groups quota is counted exactly, under the project's quota lock.
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";
import {
  SERVER_GROUP_POLICIES,
  serverGroupRulesSchema,
  serverGroupSchema,
} from "../models/server-group.js";

export const createServerGroup = defineCall({
  service: "conductor",
  name: "create_server_group",
  version: "1.0",
  request: z.object({
    name: z.string().min(1).max(255),
    policy: z.enum(SERVER_GROUP_POLICIES),
    rules: serverGroupRulesSchema,
  }),
  reply: serverGroupSchema,
});
