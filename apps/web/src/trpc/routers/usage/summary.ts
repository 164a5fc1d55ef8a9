// Usage over a period as the dashboard shows it: per-server hours and the totals Nova's
// simple-tenant-usage reports (instance, vCPU, RAM GB and disk GB hours), per project.
import type { UsageInstance } from "@nimbus/rpc";
import { hoursIn } from "../../../rest/compute/simple-tenant-usage";
import { addTo, emptyTotals, type ServerUsage, type Totals } from "./usage.schema";

export function serverUsage(i: UsageInstance, start: Date, end: Date): ServerUsage {
  const hours = hoursIn(i, start, end);
  const diskGb = i.rootGb + i.ephemeralGb;
  return {
    id: i.uuid,
    name: i.name,
    flavor: i.flavorName,
    vcpus: i.vcpus,
    ramMb: i.memoryMb,
    diskGb,
    state: i.terminatedAt === null ? i.vmState : "terminated",
    launchedAt: i.launchedAt,
    terminatedAt: i.terminatedAt,
    instanceHours: hours,
    vcpuHours: hours * i.vcpus,
    ramGbHours: (hours * i.memoryMb) / 1024,
    diskGbHours: hours * diskGb,
  };
}

/** Totals per project, with how many servers counted (ran in the window) in each. */
export function byProject(
  instances: UsageInstance[],
  start: Date,
  end: Date,
): Map<string, Totals & { servers: number }> {
  const out = new Map<string, Totals & { servers: number }>();
  for (const i of instances) {
    let t = out.get(i.projectId);
    if (!t) out.set(i.projectId, (t = { ...emptyTotals(), servers: 0 }));
    addTo(t, serverUsage(i, start, end));
    t.servers++;
  }
  return out;
}
