// Quotas as Nova counts them: the resources, the defaults Nova ships with (used when neither the
// project nor the `default` quota class sets a resource), and what a project uses.
import { z } from "zod";

/** Nova's quota resources, in the order its QuotaEngine lists them. */
export const QUOTA_RESOURCES = [
  "cores",
  "injected_files",
  "injected_file_content_bytes",
  "injected_file_path_bytes",
  "instances",
  "key_pairs",
  "metadata_items",
  "ram",
  "server_groups",
  "server_group_members",
  "fixed_ips",
  "floating_ips",
  "security_groups",
  "security_group_rules",
] as const;
export type QuotaResource = (typeof QUOTA_RESOURCES)[number];

/** Nova's `[quota]` defaults; the network ones are -1 since nova-network is gone. */
export const NOVA_DEFAULT_QUOTAS: Readonly<Record<QuotaResource, number>> = {
  cores: 20,
  injected_files: 5,
  injected_file_content_bytes: 10240,
  injected_file_path_bytes: 255,
  instances: 10,
  key_pairs: 100,
  metadata_items: 128,
  ram: 51200,
  server_groups: 10,
  server_group_members: 10,
  fixed_ips: -1,
  floating_ips: -1,
  security_groups: -1,
  security_group_rules: -1,
};

/** -1 means unlimited; the database column is a signed INT. */
export const quotaLimit = z.number().int().min(-1).max(0x7fffffff);

/** A limit for every resource. */
export const quotaSetSchema = z.record(z.enum(QUOTA_RESOURCES), quotaLimit);
export type QuotaSet = z.infer<typeof quotaSetSchema>;

/** Limits for some resources (an update). */
export const quotaChangesSchema = z.partialRecord(z.enum(QUOTA_RESOURCES), quotaLimit);
export type QuotaChanges = z.infer<typeof quotaChangesSchema>;

/**
 * What a project uses of the resources Nova counts per project. Key pairs and group members are
 * counted per user and per group when they are created; Nova reports them as 0 here.
 */
export const quotaUsageSchema = z.object({
  instances: z.number().int().min(0),
  cores: z.number().int().min(0),
  ram: z.number().int().min(0),
  server_groups: z.number().int().min(0),
});
export type QuotaUsage = z.infer<typeof quotaUsageSchema>;
