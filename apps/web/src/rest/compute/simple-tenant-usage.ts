// /os-simple-tenant-usage[/{project}]: hours, vCPU-hours, MB-hours and GB-hours of the servers
// that ran in [start, end], as nova/api/openstack/compute/simple_tenant_usage.py computes them
// (a server counts from its launch to its termination, clipped to the window; one never launched
// counts nothing). Paged by server from 2.40.
import type { UsageInstance } from "@nimbus/rpc";
import type { Context } from "hono";
import { usageInstances } from "../../services/usage";
import type { RestDeps, RouteModule } from "../app";
import type { ComputeEnv } from "../context";
import { HttpError } from "../errors";
import { baseUrl } from "../links";
import { MAX_LIMIT, nextLinks, parsePage } from "../pagination";
import { serviceContext } from "../service-context";
import { perfectTime } from "./format";
import { queryParams } from "./query-params";

const HOUR_MS = 3_600_000;

// The formats Nova's _parse_datetime tries, all read as UTC.
const DATETIME =
  /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?| (\d{2}:\d{2}:\d{2})\.(\d{1,6}))$/;

/** A start/end parameter; absent or empty is now. */
export function parseUsageTime(value: string | undefined, now: Date): Date {
  if (!value) return now;
  const m = DATETIME.exec(value);
  const ms = m
    ? Date.parse(`${m[1]}T${m[2] ?? m[4]}.${(m[3] ?? m[5] ?? "0").padEnd(6, "0").slice(0, 3)}Z`)
    : Number.NaN;
  if (Number.isNaN(ms)) {
    throw HttpError.badRequest("Invalid datetime string: Datetime is in invalid format");
  }
  return new Date(ms);
}

/** The hours of a server's life that fall in [start, stop]. */
export function hoursIn(i: UsageInstance, start: Date, stop: Date): number {
  const launched = Date.parse(i.launchedAt);
  const terminated = i.terminatedAt === null ? null : Date.parse(i.terminatedAt);
  if (terminated !== null && terminated < start.getTime()) return 0;
  if (launched > stop.getTime()) return 0;
  const from = Math.max(launched, start.getTime());
  const to = terminated === null ? stop.getTime() : Math.min(stop.getTime(), terminated);
  return (to - from) / HOUR_MS;
}

export function serverUsageView(i: UsageInstance, start: Date, stop: Date, now: Date) {
  const ended = i.terminatedAt;
  const started = Date.parse(i.launchedAt);
  return {
    instance_id: i.uuid,
    name: i.name,
    tenant_id: i.projectId,
    flavor: i.flavorName,
    hours: hoursIn(i, start, stop),
    memory_mb: i.memoryMb,
    local_gb: i.rootGb + i.ephemeralGb,
    vcpus: i.vcpus,
    started_at: perfectTime(i.launchedAt),
    ended_at: ended === null ? null : perfectTime(ended),
    state: ended === null ? i.vmState : "terminated",
    uptime: Math.trunc(((ended === null ? now.getTime() : Date.parse(ended)) - started) / 1000),
  };
}

/** One summary per project, in the order the servers come (by project). */
export function tenantUsagesView(
  instances: UsageInstance[],
  start: Date,
  stop: Date,
  detailed: boolean,
  now: Date,
) {
  const byProject = new Map<string, Record<string, unknown> & { server_usages?: unknown[] }>();
  const totals = new Map<string, { gb: number; vcpus: number; mb: number; hours: number }>();
  for (const i of instances) {
    const usage = serverUsageView(i, start, stop, now);
    let summary = byProject.get(i.projectId);
    if (!summary) {
      summary = { tenant_id: i.projectId, ...(detailed && { server_usages: [] }) };
      byProject.set(i.projectId, summary);
      totals.set(i.projectId, { gb: 0, vcpus: 0, mb: 0, hours: 0 });
    }
    const t = totals.get(i.projectId)!;
    t.gb += usage.local_gb * usage.hours;
    t.vcpus += usage.vcpus * usage.hours;
    t.mb += usage.memory_mb * usage.hours;
    t.hours += usage.hours;
    summary.server_usages?.push(usage);
  }
  return [...byProject.entries()].map(([projectId, summary]) => {
    const t = totals.get(projectId)!;
    return {
      ...summary,
      total_local_gb_usage: t.gb,
      total_vcpus_usage: t.vcpus,
      total_memory_mb_usage: t.mb,
      total_hours: t.hours,
      start: perfectTime(start.toISOString()),
      stop: perfectTime(stop.toISOString()),
    };
  });
}

async function usage(c: Context<ComputeEnv>, deps: RestDeps, projectId: string | undefined) {
  const version = c.var.microversion;
  const paged = version.atLeast("2.40");
  const known = [
    "start",
    "end",
    ...(projectId === undefined ? ["detailed"] : []),
    ...(paged ? ["limit", "marker"] : []),
  ];
  const q = queryParams(c.req.queries(), known, version);
  const now = new Date();
  const start = parseUsageTime(q.start, now);
  let stop = parseUsageTime(q.end, now);
  if (!(start < stop)) {
    throw HttpError.badRequest(
      "Invalid start time. The start time cannot occur after the end time.",
    );
  }
  if (stop > now) stop = now;
  const searchParams = new URL(c.req.url).searchParams;
  const page = paged ? parsePage(searchParams) : { limit: MAX_LIMIT };
  const instances = await usageInstances(serviceContext(c, deps), {
    ...(projectId !== undefined && { projectId }),
    start,
    end: stop,
    limit: page.limit,
    ...(page.marker !== undefined && { marker: page.marker }),
  });
  // A project's usage is always detailed; the list is with ?detailed=1.
  const detailed = projectId !== undefined || q.detailed === "1";
  const usages = tenantUsagesView(instances, start, stop, detailed, now);
  const links = paged
    ? nextLinks({
        base: baseUrl(c),
        collection:
          projectId === undefined
            ? "os-simple-tenant-usage"
            : `os-simple-tenant-usage/${encodeURIComponent(projectId)}`,
        query: searchParams,
        page,
        ids: instances.map((i) => i.uuid),
      })
    : [];
  if (projectId === undefined) {
    return c.json({
      tenant_usages: usages,
      ...(links.length > 0 && { tenant_usages_links: links }),
    });
  }
  return c.json({
    tenant_usage: usages[0] ?? {},
    ...(links.length > 0 && { tenant_usage_links: links }),
  });
}

export const simpleTenantUsage: RouteModule<ComputeEnv> = (r, deps) => {
  r.get("/os-simple-tenant-usage", (c) => usage(c, deps, undefined));
  r.get("/os-simple-tenant-usage/:id", (c) => usage(c, deps, c.req.param("id")));
};
