// A server group: a placement policy for its member servers.
import { z } from "zod";
import { isoDate, projectId, userId } from "./common.js";

export const SERVER_GROUP_POLICIES = [
  "affinity",
  "anti-affinity",
  "soft-affinity",
  "soft-anti-affinity",
] as const;
export type ServerGroupPolicy = (typeof SERVER_GROUP_POLICIES)[number];

/** Nova's rules (API ≥ 2.64); only anti-affinity takes one. */
export const serverGroupRulesSchema = z.object({
  max_server_per_host: z.number().int().min(1).optional(),
});

export const serverGroupSchema = z.object({
  uuid: z.uuid(),
  name: z.string().max(255),
  projectId,
  userId,
  policy: z.enum(SERVER_GROUP_POLICIES),
  rules: serverGroupRulesSchema,
  /** the live (not deleted) member servers */
  members: z.array(z.uuid()),
  createdAt: isoDate,
});
export type ServerGroup = z.infer<typeof serverGroupSchema>;
