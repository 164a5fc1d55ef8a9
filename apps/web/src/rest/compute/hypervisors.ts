// /os-hypervisors: compute nodes with their capacity and usage (until 2.88 removed those fields),
// the deprecated statistics, search and servers routes (until 2.88 / 2.53), uuids from 2.53.
import type { Context } from "hono";
import { z } from "zod";
import { authorize } from "../../services/context";
import { getHypervisor, listHypervisors, type Hypervisor } from "../../services/hosts";
import type { RouteModule } from "../app";
import { parseQuery } from "../body";
import type { ComputeEnv } from "../context";
import { HttpError } from "../errors";
import { baseUrl } from "../links";
import type { Microversion } from "../microversion";
import { nextLinks, parsePage } from "../pagination";
import { serviceContext } from "../service-context";
import { booleanParam, canonicalUuid, fqdnParam, isUuid } from "./params";

export function hypervisorView(
  h: Hypervisor,
  version: Microversion,
  detail: boolean,
  withServers = false,
) {
  const v253 = version.atLeast("2.53");
  const view: Record<string, unknown> = {
    id: v253 ? h.uuid : h.id,
    hypervisor_hostname: h.hypervisorHostname,
    state: h.service.up && !h.service.forcedDown ? "up" : "down",
    status: h.service.disabled ? "disabled" : "enabled",
  };
  if (detail) {
    view.hypervisor_type = h.hypervisorType;
    view.hypervisor_version = h.hypervisorVersion;
    view.host_ip = h.hostIp;
    view.service = {
      id: v253 ? h.service.uuid : h.service.id,
      host: h.host,
      disabled_reason: h.service.disabledReason,
    };
    if (version.atLeast("2.88")) {
      // Nimbus does not track host uptime.
      view.uptime = null;
    } else {
      Object.assign(view, usage(h));
      view.cpu_info = version.atLeast("2.28") ? h.cpuInfo : JSON.stringify(h.cpuInfo);
    }
  }
  if (h.servers && h.servers.length > 0) {
    // Nova lists the instance (domain) names here, not the display names.
    view.servers = h.servers.map((s) => ({ name: `instance-${s.uuid}`, uuid: s.uuid }));
  } else if (withServers && version.atLeast("2.75")) {
    view.servers = [];
  }
  return view;
}

/** The capacity fields of pre-2.88 details; `current_workload` is not tracked here (always 0). */
function usage(h: Hypervisor) {
  return {
    vcpus: h.vcpus,
    memory_mb: h.memoryMb,
    local_gb: h.localGb,
    vcpus_used: h.vcpusUsed,
    memory_mb_used: h.memoryMbUsed,
    local_gb_used: h.localGbUsed,
    free_ram_mb: h.memoryMb - h.memoryMbUsed,
    free_disk_gb: h.localGb - h.localGbUsed,
    current_workload: 0,
    running_vms: h.runningVms,
    disk_available_least: h.freeDiskGb,
  };
}

/** GET /os-hypervisors/statistics: the sums over the nodes of enabled compute services. */
export function statisticsView(nodes: Hypervisor[]) {
  const stats = {
    count: 0,
    vcpus: 0,
    memory_mb: 0,
    local_gb: 0,
    vcpus_used: 0,
    memory_mb_used: 0,
    local_gb_used: 0,
    free_ram_mb: 0,
    free_disk_gb: 0,
    current_workload: 0,
    running_vms: 0,
    disk_available_least: 0,
  };
  for (const node of nodes) {
    if (node.service.disabled) continue;
    stats.count += 1;
    for (const [k, v] of Object.entries(usage(node))) stats[k as keyof typeof stats] += v;
  }
  return { hypervisor_statistics: stats };
}

const indexQueryV253 = z.strictObject({
  limit: z
    .string()
    .regex(/^[0-9]+$/)
    .optional(),
  marker: z.string().optional(),
  hypervisor_hostname_pattern: fqdnParam.optional(),
  with_servers: booleanParam.optional(),
});
const showQueryV253 = z.strictObject({ with_servers: booleanParam.optional() });

/** Before 2.53 an id is an integer (anything else is simply not found); from 2.53 a uuid. */
function hypervisorRef(id: string, version: Microversion): string | number {
  if (version.atLeast("2.53")) {
    if (!isUuid(id)) throw HttpError.badRequest(`Invalid uuid ${id}`);
    return canonicalUuid(id);
  }
  if (!/^\d+$/.test(id) || !Number.isSafeInteger(Number(id))) {
    throw HttpError.notFound(`Hypervisor with ID '${id}' could not be found.`);
  }
  return Number(id);
}

function noMatch(pattern: string): HttpError {
  return HttpError.notFound(`No hypervisor matching '${pattern}' could be found.`);
}

export const hypervisors: RouteModule<ComputeEnv> = (r, deps) => {
  const list = (detail: boolean) =>
    async function (c: Context<ComputeEnv>) {
      const ctx = serviceContext(c, deps);
      const version = c.var.microversion;
      let pattern: string | undefined;
      let withServers = false;
      if (version.atLeast("2.53")) {
        const q = parseQuery(c, indexQueryV253);
        pattern = q.hypervisor_hostname_pattern;
        withServers = q.with_servers ?? false;
        if (pattern !== undefined && (q.limit !== undefined || q.marker !== undefined)) {
          throw HttpError.badRequest(
            "Paging over hypervisors with the hypervisor_hostname_pattern query parameter is not supported.",
          );
        }
      }
      const searchParams = new URL(c.req.url).searchParams;
      const page =
        version.atLeast("2.33") && pattern === undefined ? parsePage(searchParams) : null;
      authorize(ctx, "hypervisors:read");
      const nodes = await listHypervisors(ctx, {
        ...(pattern !== undefined && { hostnamePattern: pattern }),
        ...(withServers && { withServers }),
        ...(page && { limit: page.limit }),
        ...(page?.marker !== undefined && { marker: page.marker }),
      });
      if (pattern !== undefined && nodes.length === 0) throw noMatch(pattern);
      const body: Record<string, unknown> = {
        hypervisors: nodes.map((h) => hypervisorView(h, version, detail, withServers)),
      };
      if (page) {
        const links = nextLinks({
          base: baseUrl(c),
          collection: detail ? "os-hypervisors/detail" : "os-hypervisors",
          query: searchParams,
          page,
          ids: nodes.map((h) => String(version.atLeast("2.53") ? h.uuid : h.id)),
        });
        if (links.length > 0) body.hypervisors_links = links;
      }
      return c.json(body);
    };

  r.get("/os-hypervisors", list(false));
  r.get("/os-hypervisors/detail", list(true));

  r.get("/os-hypervisors/statistics", async (c) => {
    if (c.var.microversion.atLeast("2.88")) throw HttpError.notFound();
    const nodes = await listHypervisors(serviceContext(c, deps));
    return c.json(statisticsView(nodes));
  });

  // The pre-2.53 ways to search by hostname pattern, with or without the servers.
  for (const suffix of ["search", "servers"] as const) {
    r.get(`/os-hypervisors/:pattern/${suffix}`, async (c) => {
      const version = c.var.microversion;
      if (version.atLeast("2.53")) throw HttpError.notFound();
      const pattern = c.req.param("pattern");
      if (pattern.length > 255) throw noMatch(pattern);
      const withServers = suffix === "servers";
      const nodes = await listHypervisors(serviceContext(c, deps), {
        hostnamePattern: pattern,
        ...(withServers && { withServers }),
      });
      if (nodes.length === 0) throw noMatch(pattern);
      return c.json({ hypervisors: nodes.map((h) => hypervisorView(h, version, false)) });
    });
  }

  r.get("/os-hypervisors/:id/uptime", async (c) => {
    const version = c.var.microversion;
    if (version.atLeast("2.88")) throw HttpError.notFound();
    const ctx = serviceContext(c, deps);
    authorize(ctx, "hypervisors:read");
    await getHypervisor(ctx, hypervisorRef(c.req.param("id"), version));
    throw new HttpError(501, "The requested functionality is not supported.");
  });

  r.get("/os-hypervisors/:id", async (c) => {
    const ctx = serviceContext(c, deps);
    const version = c.var.microversion;
    const withServers = version.atLeast("2.53")
      ? (parseQuery(c, showQueryV253).with_servers ?? false)
      : false;
    authorize(ctx, "hypervisors:read");
    const h = await getHypervisor(ctx, hypervisorRef(c.req.param("id"), version), withServers);
    return c.json({ hypervisor: hypervisorView(h, version, true, withServers) });
  });
};
