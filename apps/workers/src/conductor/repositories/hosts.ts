// Services, compute nodes and the claims on them. A claim is an allocations row plus a conditional
// UPDATE of the node's *_used columns in the same transaction: the UPDATE re-reads the row under
// its lock, so two claims racing for the last room on a node cannot both succeed.
import { randomUUID } from "node:crypto";
import type { InstanceAction, NodeInventory } from "@nimbus/rpc";
import { actionFromRows, finishLatestEventSql, getActionSql } from "./actions";
import {
  inList,
  isUniqueViolation,
  Prisma,
  transaction,
  type Sql,
  type SqlPool,
  type Tx,
} from "./db";
import type { ComputeNodeRow, NodeWithServiceRow, ServiceRow } from "./mapping";

const SERVICE_COLUMNS = Prisma.sql`s.id, s.uuid, s.host, s.binary, s.topic, s.disabled,
  s.disabled_reason, s.forced_down, s.last_seen_up, s.created_at, s.updated_at`;

const NODE_WITH_SERVICE = Prisma.sql`
  SELECT n.id, n.uuid, n.host, n.hypervisor_hostname, n.hypervisor_type, n.hypervisor_version,
         n.host_ip, n.vcpus, n.memory_mb, n.local_gb, n.vcpus_used, n.memory_mb_used,
         n.local_gb_used, n.free_disk_gb, n.running_vms, n.cpu_allocation_ratio,
         n.ram_allocation_ratio, n.disk_allocation_ratio, n.cpu_info, n.updated_at,
         s.id AS s_id, s.uuid AS s_uuid, s.host AS s_host, s.binary AS s_binary,
         s.topic AS s_topic, s.disabled AS s_disabled, s.disabled_reason AS s_disabled_reason,
         s.forced_down AS s_forced_down, s.last_seen_up AS s_last_seen_up,
         s.created_at AS s_created_at, s.updated_at AS s_updated_at
    FROM compute_nodes n JOIN services s ON s.id = n.service_id AND s.deleted = 0
   WHERE n.deleted = 0`;

// ─── services ──────────────────────────────────────────────────────────────────────────────

export async function listServiceRows(
  sql: Sql,
  filter: { host?: string; binary?: string } = {},
): Promise<ServiceRow[]> {
  return sql.$queryRaw<ServiceRow[]>`
    SELECT ${SERVICE_COLUMNS} FROM services s
     WHERE s.deleted = 0
       ${filter.host === undefined ? Prisma.empty : Prisma.sql`AND s.host = ${filter.host}`}
       ${filter.binary === undefined ? Prisma.empty : Prisma.sql`AND s.binary = ${filter.binary}`}
     ORDER BY s.id`;
}

export async function getServiceRow(sql: Sql, ref: string | number): Promise<ServiceRow | null> {
  const where = typeof ref === "number" ? Prisma.sql`s.id = ${ref}` : Prisma.sql`s.uuid = ${ref}`;
  const rows = await sql.$queryRaw<ServiceRow[]>`
    SELECT ${SERVICE_COLUMNS} FROM services s WHERE ${where} AND s.deleted = 0`;
  return rows[0] ?? null;
}

/** The compute service of a host, if it has one. */
export async function computeServiceOf(sql: Sql, host: string): Promise<ServiceRow | null> {
  const rows = await listServiceRows(sql, { host, binary: "nova-compute" });
  return rows[0] ?? null;
}

export interface ServiceReport {
  host: string;
  binary: string;
  version: string;
  node?: NodeInventory;
}

export interface ReportOutcome {
  service: ServiceRow;
  /** the service as it was before this report (null: it registered just now) */
  previous: ServiceRow | null;
  /** the node's id, and whether its inventory changed (or it is new) */
  node: { id: number; changed: boolean } | null;
}

const TOPICS: Record<string, string> = {
  "nova-compute": "compute",
  "nova-scheduler": "scheduler",
  "nova-conductor": "conductor",
  "nova-consoleauth": "consoleauth",
};

/**
 * Record a heartbeat: register the service on its first report, else bump last_seen_up and the
 * report count; for a compute host, upsert its node's inventory (never its usage columns, which
 * belong to the claims).
 */
export async function recordReport(
  db: SqlPool,
  report: ServiceReport,
  now: Date,
): Promise<ReportOutcome> {
  const version = Number.parseInt(report.version, 10) || 0;
  for (let tries = 0; ; tries++) {
    const previous =
      (await listServiceRows(db, { host: report.host, binary: report.binary }))[0] ?? null;
    try {
      if (previous) {
        await db.$executeRaw`
          UPDATE services SET last_seen_up = ${now}, report_count = report_count + 1,
                              version = ${version}, updated_at = ${now}
           WHERE id = ${previous.id}`;
      } else {
        await db.$executeRaw`
          INSERT INTO services (uuid, host, \`binary\`, topic, version, last_seen_up, report_count,
                                created_at, updated_at)
          VALUES (${randomUUID()}, ${report.host}, ${report.binary}, ${TOPICS[report.binary] ?? null},
                  ${version}, ${now}, 1, ${now}, ${now})`;
      }
    } catch (err) {
      // Two first reports raced (a restart while the old process still reported): read again.
      if (isUniqueViolation(err) && tries < 2) continue;
      throw err;
    }
    // A heartbeat changed what it wrote and nothing else; only a registration reads the row back.
    const service = previous
      ? { ...previous, last_seen_up: now, updated_at: now }
      : (await listServiceRows(db, { host: report.host, binary: report.binary }))[0]!;
    const node = report.node ? await upsertNode(db, service, report.node, now) : null;
    return { service, previous, node };
  }
}

async function upsertNode(
  db: SqlPool,
  service: ServiceRow,
  inv: NodeInventory,
  now: Date,
): Promise<{ id: number; changed: boolean }> {
  const cpuInfo = JSON.stringify(inv.cpuInfo);
  const existing = await db.$queryRaw<(ComputeNodeRow & { service_id: number | null })[]>`
    SELECT id, service_id, hypervisor_type, hypervisor_version, host_ip, vcpus, memory_mb, local_gb,
           free_disk_gb, cpu_allocation_ratio, ram_allocation_ratio, disk_allocation_ratio, cpu_info
      FROM compute_nodes
     WHERE host = ${service.host} AND hypervisor_hostname = ${inv.hypervisorHostname} AND deleted = 0`;
  const row = existing[0];
  if (!row) {
    try {
      await db.$executeRaw`
        INSERT INTO compute_nodes (uuid, service_id, host, hypervisor_hostname, hypervisor_type,
          hypervisor_version, host_ip, vcpus, memory_mb, local_gb, free_disk_gb,
          cpu_allocation_ratio, ram_allocation_ratio, disk_allocation_ratio, cpu_info,
          created_at, updated_at)
        VALUES (${randomUUID()}, ${service.id}, ${service.host}, ${inv.hypervisorHostname},
          ${inv.hypervisorType}, ${inv.hypervisorVersion}, ${inv.hostIp}, ${inv.vcpus},
          ${inv.memoryMb}, ${inv.localGb}, ${inv.freeDiskGb}, ${inv.cpuAllocationRatio},
          ${inv.ramAllocationRatio}, ${inv.diskAllocationRatio}, ${cpuInfo}, ${now}, ${now})`;
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      return upsertNode(db, service, inv, now);
    }
    const [created] = await db.$queryRaw<{ id: number }[]>`
      SELECT id FROM compute_nodes
       WHERE host = ${service.host} AND hypervisor_hostname = ${inv.hypervisorHostname} AND deleted = 0`;
    return { id: created!.id, changed: true };
  }
  const changed =
    row.service_id !== service.id ||
    row.hypervisor_type !== inv.hypervisorType ||
    row.hypervisor_version !== inv.hypervisorVersion ||
    row.host_ip !== inv.hostIp ||
    row.vcpus !== inv.vcpus ||
    row.memory_mb !== inv.memoryMb ||
    row.local_gb !== inv.localGb ||
    row.free_disk_gb !== inv.freeDiskGb ||
    row.cpu_allocation_ratio !== inv.cpuAllocationRatio ||
    row.ram_allocation_ratio !== inv.ramAllocationRatio ||
    row.disk_allocation_ratio !== inv.diskAllocationRatio ||
    JSON.stringify(row.cpu_info ?? {}) !== cpuInfo;
  if (changed) {
    await db.$executeRaw`
      UPDATE compute_nodes
         SET service_id = ${service.id}, hypervisor_type = ${inv.hypervisorType},
             hypervisor_version = ${inv.hypervisorVersion}, host_ip = ${inv.hostIp},
             vcpus = ${inv.vcpus}, memory_mb = ${inv.memoryMb}, local_gb = ${inv.localGb},
             free_disk_gb = ${inv.freeDiskGb}, cpu_allocation_ratio = ${inv.cpuAllocationRatio},
             ram_allocation_ratio = ${inv.ramAllocationRatio},
             disk_allocation_ratio = ${inv.diskAllocationRatio}, cpu_info = ${cpuInfo},
             updated_at = ${now}
       WHERE id = ${row.id}`;
  }
  return { id: row.id, changed };
}

export interface ServiceChanges {
  disabled?: boolean;
  disabledReason?: string | null;
  forcedDown?: boolean;
}

export async function updateServiceRow(
  sql: Sql,
  id: number,
  changes: ServiceChanges,
  now: Date,
): Promise<void> {
  const sets: Prisma.Sql[] = [Prisma.sql`updated_at = ${now}`];
  if (changes.disabled !== undefined) sets.push(Prisma.sql`disabled = ${changes.disabled}`);
  if (changes.disabledReason !== undefined)
    sets.push(Prisma.sql`disabled_reason = ${changes.disabledReason}`);
  if (changes.forcedDown !== undefined) sets.push(Prisma.sql`forced_down = ${changes.forcedDown}`);
  await sql.$executeRaw`UPDATE services SET ${Prisma.join(sets, ", ")} WHERE id = ${id}`;
}

/**
 * Soft-delete a service and its nodes, unless live servers are on its host (then false).
 * The host's servers are counted under the service's row lock, so a claim cannot slip in between.
 */
export async function deleteServiceIfEmpty(
  db: SqlPool,
  service: ServiceRow,
  now: Date,
): Promise<boolean> {
  return transaction(db, async (tx) => {
    await tx.$queryRaw`SELECT id FROM services WHERE id = ${service.id} FOR UPDATE`;
    if (service.binary === "nova-compute") {
      const [busy] = await tx.$queryRaw<{ n: bigint }[]>`
        SELECT COUNT(*) AS n FROM instances WHERE host = ${service.host} AND deleted = 0`;
      if (Number(busy?.n ?? 0) > 0) return false;
      await tx.$executeRaw`
        UPDATE compute_nodes SET deleted = id, deleted_at = ${now}, updated_at = ${now}
         WHERE service_id = ${service.id} AND deleted = 0`;
    }
    await tx.$executeRaw`
      UPDATE services SET deleted = id, deleted_at = ${now}, updated_at = ${now}
       WHERE id = ${service.id}`;
    return true;
  });
}

// ─── compute nodes ─────────────────────────────────────────────────────────────────────────

export async function listNodes(
  sql: Sql,
  filter: { ids?: number[]; uuid?: string; host?: string; hostnameLike?: string } = {},
  page: { limit?: number; afterId?: number } = {},
): Promise<NodeWithServiceRow[]> {
  const parts: Prisma.Sql[] = [];
  if (filter.ids)
    parts.push(filter.ids.length ? Prisma.sql`n.id IN (${inList(filter.ids)})` : Prisma.sql`FALSE`);
  if (filter.uuid !== undefined) parts.push(Prisma.sql`n.uuid = ${filter.uuid}`);
  if (filter.host !== undefined) parts.push(Prisma.sql`n.host = ${filter.host}`);
  if (filter.hostnameLike !== undefined) {
    const escaped = filter.hostnameLike.replace(/[\\%_]/g, (c) => `\\${c}`);
    parts.push(Prisma.sql`n.hypervisor_hostname LIKE ${`%${escaped}%`}`);
  }
  if (page.afterId !== undefined) parts.push(Prisma.sql`n.id > ${page.afterId}`);
  return sql.$queryRaw<NodeWithServiceRow[]>`${NODE_WITH_SERVICE}
    ${parts.length ? Prisma.sql`AND ${Prisma.join(parts, " AND ")}` : Prisma.empty}
    ORDER BY n.id
    ${page.limit === undefined ? Prisma.empty : Prisma.sql`LIMIT ${page.limit}`}`;
}

export async function getNode(sql: Sql, id: number): Promise<NodeWithServiceRow | null> {
  return (await listNodes(sql, { ids: [id] }))[0] ?? null;
}

/** Live servers per node (os-hypervisors ?with_servers). */
export async function serversOnNodes(
  sql: Sql,
  nodes: { host: string; hypervisor_hostname: string }[],
): Promise<Map<string, { uuid: string; name: string }[]>> {
  const out = new Map<string, { uuid: string; name: string }[]>();
  if (nodes.length === 0) return out;
  const rows = await sql.$queryRaw<
    { uuid: string; display_name: string | null; host: string; node: string }[]
  >`
    SELECT uuid, display_name, host, node FROM instances
     WHERE deleted = 0 AND host IN (${inList([...new Set(nodes.map((n) => n.host))])})
     ORDER BY id`;
  for (const r of rows) {
    const key = `${r.host}\u0000${r.node}`;
    out.set(key, [...(out.get(key) ?? []), { uuid: r.uuid, name: r.display_name ?? "" }]);
  }
  return out;
}

// ─── claims ────────────────────────────────────────────────────────────────────────────────

export interface Resources {
  vcpus: number;
  memoryMb: number;
  diskGb: number;
}

class NoRoom extends Error {}
class Gone extends Error {}

/** Add `delta` to a node's usage if it still fits under capacity × ratio (negatives always fit). */
async function takeFromNode(
  tx: Tx,
  nodeId: number,
  delta: Resources,
  vms: number,
): Promise<boolean> {
  return (await tx.$executeRaw(takeFromNodeSql(nodeId, delta, vms))) === 1;
}

/** takeFromNode's statement (for batches): it changes one row if the delta fits. */
const takeFromNodeSql = (nodeId: number, delta: Resources, vms: number) => Prisma.sql`
    UPDATE compute_nodes
       SET vcpus_used = GREATEST(vcpus_used + ${delta.vcpus}, 0),
           memory_mb_used = GREATEST(memory_mb_used + ${delta.memoryMb}, 0),
           local_gb_used = GREATEST(local_gb_used + ${delta.diskGb}, 0),
           running_vms = GREATEST(running_vms + ${vms}, 0)
     WHERE id = ${nodeId} AND deleted = 0
       AND (${delta.vcpus} <= 0 OR vcpus_used + ${delta.vcpus} <= vcpus * cpu_allocation_ratio)
       AND (${delta.memoryMb} <= 0 OR memory_mb_used + ${delta.memoryMb} <= memory_mb * ram_allocation_ratio)
       AND (${delta.diskGb} <= 0 OR local_gb_used + ${delta.diskGb} <= local_gb * disk_allocation_ratio)`;

export interface BuildClaim {
  uuid: string;
  nodeId: number;
  host: string;
  node: string;
  availabilityZone: string;
  resources: Resources;
  /** the request spec to store with the claim (its attempt already bumped) */
  spec: unknown;
  /** a hard affinity / anti-affinity group to re-check under the group's lock */
  group: { id: number; policy: "affinity" | "anti-affinity" } | null;
  /** an event of the instance's "create" action to finish (Success) with the claim */
  event?: { name: string; details: string };
}

export type ClaimOutcome = "claimed" | "no_room" | "group_conflict" | "gone";

/** How a claim ended; `action`: the instance's "create" action as committed, when claimed. */
export interface ClaimResult {
  outcome: ClaimOutcome;
  action: InstanceAction | null;
}

/**
 * Claim a node for a build, in one transaction: the instance takes the host (only while it is
 * live, unplaced and scheduling), the node's usage grows if it still fits, the allocation is
 * recorded and the request spec saved. Anything short of all of it changes nothing. Two round
 * trips without a group: the placement with the node's usage, then the allocation and the event
 * with the COMMIT, and the action read back after it for its notification.
 */
export async function claimBuild(db: SqlPool, claim: BuildClaim, now: Date): Promise<ClaimResult> {
  const ended = (outcome: ClaimOutcome) => ({ outcome, action: null });
  try {
    return await transaction(db, async (tx) => {
      if (claim.group) {
        // Members of one group are placed one at a time, so the policy holds under concurrency.
        await tx.$queryRaw`SELECT id FROM server_groups WHERE id = ${claim.group.id} FOR UPDATE`;
        const clash =
          claim.group.policy === "anti-affinity"
            ? Prisma.sql`i.host = ${claim.host}`
            : Prisma.sql`i.host <> ${claim.host}`;
        const [row] = await tx.$queryRaw<{ n: bigint }[]>`
          SELECT COUNT(*) AS n FROM server_group_members m JOIN instances i ON i.uuid = m.instance_uuid
           WHERE m.group_id = ${claim.group.id} AND i.deleted = 0 AND i.uuid <> ${claim.uuid}
             AND i.host IS NOT NULL AND ${clash}`;
        if (Number(row?.n ?? 0) > 0) return ended("group_conflict");
      }
      // The instance takes the host (its request spec the new attempt) and the node the usage.
      // Either one changing no row throws, which rolls the other back.
      const [placed, taken] = await tx.batch([
        Prisma.sql`
          UPDATE instances i JOIN request_specs r ON r.instance_uuid = i.uuid
             SET i.host = ${claim.host}, i.node = ${claim.node},
                 i.availability_zone = ${claim.availabilityZone}, i.updated_at = ${now},
                 r.spec = ${JSON.stringify(claim.spec)}, r.updated_at = ${now}
           WHERE i.uuid = ${claim.uuid} AND i.deleted = 0 AND i.host IS NULL
             AND i.vm_state = 'building' AND i.task_state = 'scheduling'`,
        takeFromNodeSql(claim.nodeId, claim.resources, 1),
      ]);
      if (placed!.affectedRows === 0) throw new Gone();
      if (taken!.affectedRows !== 1) throw new NoRoom();
      const allocate = Prisma.sql`
        INSERT INTO allocations (instance_uuid, compute_node_id, vcpus, memory_mb, disk_gb, created_at)
        VALUES (${claim.uuid}, ${claim.nodeId}, ${claim.resources.vcpus}, ${claim.resources.memoryMb},
                ${claim.resources.diskGb}, ${now})`;
      if (!claim.event) {
        await tx.commitWith([allocate]);
        return ended("claimed");
      }
      const results = await tx.commitWith(
        [
          allocate,
          finishLatestEventSql(
            claim.uuid,
            "create",
            claim.event.name,
            { result: "Success", details: claim.event.details },
            now,
          ),
        ],
        getActionSql({ uuid: claim.uuid, action: "create" }),
      );
      const [read, events] = results.slice(2);
      return { outcome: "claimed" as const, action: actionFromRows(read!.rows, events!.rows) };
    });
  } catch (err) {
    if (err instanceof NoRoom) return ended("no_room");
    if (err instanceof Gone) return ended("gone");
    // An allocation left from an earlier claim of this instance: someone else placed it.
    if (isUniqueViolation(err)) return ended("gone");
    throw err;
  }
}

/** Give an instance's claim back to its node. Returns the node's id, or null if it held none. */
export async function releaseAllocation(tx: Tx, uuid: string): Promise<number | null> {
  const [alloc] = await tx.$queryRaw<
    { id: number; compute_node_id: number; vcpus: number; memory_mb: number; disk_gb: number }[]
  >`SELECT id, compute_node_id, vcpus, memory_mb, disk_gb FROM allocations
     WHERE instance_uuid = ${uuid} FOR UPDATE`;
  if (!alloc) return null;
  await takeFromNode(
    tx,
    alloc.compute_node_id,
    { vcpus: -alloc.vcpus, memoryMb: -alloc.memory_mb, diskGb: -alloc.disk_gb },
    -1,
  );
  await tx.$executeRaw`DELETE FROM allocations WHERE id = ${alloc.id}`;
  return alloc.compute_node_id;
}

/**
 * Move an instance's claim to `target` on the same node (a resize claims the larger of both
 * flavors; confirm and revert shrink it to the one kept). Returns the node's id, "no_room" when
 * the growth does not fit, or null when the instance holds no claim.
 */
export async function resizeAllocation(
  tx: Tx,
  uuid: string,
  target: Resources,
): Promise<number | "no_room" | null> {
  const [alloc] = await tx.$queryRaw<
    { id: number; compute_node_id: number; vcpus: number; memory_mb: number; disk_gb: number }[]
  >`SELECT id, compute_node_id, vcpus, memory_mb, disk_gb FROM allocations
     WHERE instance_uuid = ${uuid} FOR UPDATE`;
  if (!alloc) return null;
  const delta = {
    vcpus: target.vcpus - alloc.vcpus,
    memoryMb: target.memoryMb - alloc.memory_mb,
    diskGb: target.diskGb - alloc.disk_gb,
  };
  if (!(await takeFromNode(tx, alloc.compute_node_id, delta, 0))) return "no_room";
  await tx.$executeRaw`
    UPDATE allocations SET vcpus = ${target.vcpus}, memory_mb = ${target.memoryMb},
                           disk_gb = ${target.diskGb}
     WHERE id = ${alloc.id}`;
  return alloc.compute_node_id;
}
