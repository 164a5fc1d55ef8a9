// The servers os-simple-tenant-usage adds up: those that ran during a window, deleted ones included.
import type { FlavorSnapshot, UsageInstance } from "@nimbus/rpc";
import type { VmState } from "@nimbus/rpc/domain";
import { Prisma, type Sql } from "./db";

interface UsageRow {
  uuid: string;
  display_name: string | null;
  project_id: string;
  flavor: unknown;
  vm_state: string;
  launched_at: Date;
  terminated_at: Date | null;
}

export interface UsageQuery {
  projectId: string | null;
  start: Date;
  end: Date;
  limit: number;
  marker?: string | undefined;
}

/**
 * Launched before `end` and not terminated before `start`, by project then uuid (Nova's
 * instance_get_active_by_window_joined); "marker" when the marker names no server at all.
 */
export async function usageInstances(sql: Sql, q: UsageQuery): Promise<UsageInstance[] | "marker"> {
  let after = Prisma.empty;
  if (q.marker !== undefined) {
    const rows = await sql.$queryRaw<{ project_id: string }[]>`
      SELECT project_id FROM instances WHERE uuid = ${q.marker}`;
    const marker = rows[0];
    if (!marker) return "marker";
    after = Prisma.sql`AND (project_id > ${marker.project_id}
                            OR (project_id = ${marker.project_id} AND uuid > ${q.marker}))`;
  }
  const rows = await sql.$queryRaw<UsageRow[]>`
    SELECT uuid, display_name, project_id, flavor, vm_state, launched_at, terminated_at
      FROM instances
     WHERE launched_at < ${q.end} AND (terminated_at IS NULL OR terminated_at > ${q.start})
       ${q.projectId === null ? Prisma.empty : Prisma.sql`AND project_id = ${q.projectId}`}
       ${after}
     ORDER BY project_id, uuid LIMIT ${q.limit}`;
  return rows.map((r) => {
    const flavor = (
      typeof r.flavor === "string" ? JSON.parse(r.flavor) : r.flavor
    ) as FlavorSnapshot;
    return {
      uuid: r.uuid,
      name: r.display_name ?? "",
      projectId: r.project_id,
      flavorName: flavor.name,
      vcpus: flavor.vcpus,
      memoryMb: flavor.memoryMb,
      rootGb: flavor.rootGb,
      ephemeralGb: flavor.ephemeralGb,
      vmState: r.vm_state as VmState,
      launchedAt: r.launched_at.toISOString(),
      terminatedAt: r.terminated_at?.toISOString() ?? null,
    };
  });
}
