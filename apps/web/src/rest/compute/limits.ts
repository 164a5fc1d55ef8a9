// GET /limits: the caller's project's limits and usage (admins: ?tenant_id for another), in the
// names nova/api/openstack/compute/views/limits.py gives them per microversion. No rate limits.
import type { QuotaResource } from "@nimbus/rpc";
import { getLimits, type ProjectQuotas } from "../../services/quotas";
import type { RouteModule } from "../app";
import type { ComputeEnv } from "../context";
import type { Microversion } from "../microversion";
import { serviceContext } from "../service-context";
import { queryParams } from "./query-params";

const LIMIT_NAMES: [QuotaResource, string][] = [
  ["ram", "maxTotalRAMSize"],
  ["instances", "maxTotalInstances"],
  ["cores", "maxTotalCores"],
  ["key_pairs", "maxTotalKeypairs"],
  ["floating_ips", "maxTotalFloatingIps"],
  ["metadata_items", "maxServerMeta"],
  ["metadata_items", "maxImageMeta"],
  ["injected_files", "maxPersonality"],
  ["injected_file_content_bytes", "maxPersonalitySize"],
  ["security_groups", "maxSecurityGroups"],
  ["security_group_rules", "maxSecurityGroupRules"],
  ["server_groups", "maxServerGroups"],
  ["server_group_members", "maxServerGroupMembers"],
];

export function limitsView(quotas: ProjectQuotas, version: Microversion) {
  const hidden: string[] = [];
  if (version.atLeast("2.36"))
    hidden.push("floating_ips", "security_groups", "security_group_rules");
  if (version.atLeast("2.57")) hidden.push("injected_files", "injected_file_content_bytes");
  const absolute: Record<string, number> = {};
  for (const [resource, name] of LIMIT_NAMES) {
    if (hidden.includes(resource)) continue;
    if (name === "maxImageMeta" && version.atLeast("2.39")) continue;
    absolute[name] = quotas.limits[resource];
  }
  const { usage } = quotas;
  absolute.totalRAMUsed = usage.ram;
  absolute.totalCoresUsed = usage.cores;
  absolute.totalInstancesUsed = usage.instances;
  // Nova counts no floating IPs or security groups any more: their usage is 0 while shown.
  if (!version.atLeast("2.36")) {
    absolute.totalFloatingIpsUsed = 0;
    absolute.totalSecurityGroupsUsed = 0;
  }
  absolute.totalServerGroupsUsed = usage.server_groups;
  return { limits: { rate: [], absolute } };
}

export const limits: RouteModule<ComputeEnv> = (r, deps) => {
  r.get("/limits", async (c) => {
    const version = c.var.microversion;
    const q = queryParams(c.req.queries(), ["tenant_id"], version);
    const quotas = await getLimits(serviceContext(c, deps), q.tenant_id);
    return c.json(limitsView(quotas, version));
  });
};
