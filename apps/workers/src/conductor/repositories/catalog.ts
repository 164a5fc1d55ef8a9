// What a new server refers to — flavors, images, key pairs, server groups — and the project's
// quota limits and lock.
import type { FlavorSnapshot, Image } from "@nimbus/rpc";
import { inList, Prisma, type Sql, type Tx } from "./db";
import { toImage, type ImageRow } from "./mapping";

export interface FlavorForBuild {
  snapshot: FlavorSnapshot;
  disabled: boolean;
}

/**
 * A flavor by its public id, if the project may use it: public, or private with access granted
 * (admins may use any). Disabled flavors are returned so the caller can refuse them.
 */
export async function findUsableFlavor(
  sql: Sql,
  flavorid: string,
  projectId: string,
  isAdmin: boolean,
): Promise<FlavorForBuild | null> {
  const rows = await sql.$queryRaw<
    {
      id: number;
      flavorid: string;
      name: string;
      memory_mb: number;
      vcpus: number;
      root_gb: number;
      ephemeral_gb: number;
      swap: number;
      disabled: number;
      spec_key: string | null;
      spec_value: string | null;
    }[]
  >`
    SELECT f.id, f.flavorid, f.name, f.memory_mb, f.vcpus, f.root_gb, f.ephemeral_gb, f.swap,
           f.disabled, e.key AS spec_key, e.value AS spec_value
      FROM flavors f LEFT JOIN flavor_extra_specs e ON e.flavor_id = f.id
     WHERE f.flavorid = ${flavorid}
       AND (f.is_public OR ${isAdmin} OR EXISTS (
             SELECT 1 FROM flavor_projects p WHERE p.flavor_id = f.id AND p.project_id = ${projectId}))`;
  const first = rows[0];
  if (!first) return null;
  const extraSpecs: Record<string, string> = {};
  for (const r of rows) if (r.spec_key !== null) extraSpecs[r.spec_key] = r.spec_value ?? "";
  return {
    disabled: Boolean(first.disabled),
    snapshot: {
      id: first.flavorid,
      name: first.name,
      memoryMb: first.memory_mb,
      vcpus: first.vcpus,
      rootGb: first.root_gb,
      ephemeralGb: first.ephemeral_gb,
      swap: first.swap,
      extraSpecs,
    },
  };
}

/** An image the project may see (public or community, or its own); null: any project's. */
export async function findVisibleImage(
  sql: Sql,
  id: string,
  projectId: string | null,
): Promise<Image | null> {
  const rows = await sql.$queryRaw<ImageRow[]>`
    SELECT id, name, status, visibility, owner, disk_format, container_format, size, virtual_size,
           checksum, os_hash_algo, os_hash_value, min_disk, min_ram, protected, properties, tags,
           location, created_at, updated_at
      FROM images
     WHERE id = ${id} AND deleted_at IS NULL AND status NOT IN ('deleted', 'pending_delete')
       ${
         projectId === null
           ? Prisma.empty
           : Prisma.sql`AND (visibility IN ('public', 'community') OR owner = ${projectId})`
       }`;
  return rows[0] ? toImage(rows[0]) : null;
}

export async function findKeyPair(
  sql: Sql,
  userId: string,
  name: string,
): Promise<{ name: string; publicKey: string } | null> {
  const rows = await sql.$queryRaw<{ name: string; public_key: string }[]>`
    SELECT name, public_key FROM key_pairs WHERE user_id = ${userId} AND name = ${name} AND deleted = 0`;
  return rows[0] ? { name: rows[0].name, publicKey: rows[0].public_key } : null;
}

export type GroupPolicy = "affinity" | "anti-affinity" | "soft-affinity" | "soft-anti-affinity";

export interface ServerGroupRef {
  id: number;
  uuid: string;
  policy: GroupPolicy;
}

export async function findServerGroup(
  sql: Sql,
  uuid: string,
  projectId: string | null,
): Promise<ServerGroupRef | null> {
  const rows = await sql.$queryRaw<{ id: number; uuid: string; policy: string }[]>`
    SELECT id, uuid, policy FROM server_groups
     WHERE uuid = ${uuid} AND deleted = 0
       ${projectId === null ? Prisma.empty : Prisma.sql`AND project_id = ${projectId}`}`;
  const row = rows[0];
  return row ? { id: row.id, uuid: row.uuid, policy: row.policy as GroupPolicy } : null;
}

/** The hosts a group's live members run on (for the scheduler's affinity filters). */
export async function groupHosts(sql: Sql, groupId: number): Promise<string[]> {
  const rows = await sql.$queryRaw<{ host: string }[]>`
    SELECT DISTINCT i.host FROM server_group_members m JOIN instances i ON i.uuid = m.instance_uuid
     WHERE m.group_id = ${groupId} AND i.deleted = 0 AND i.host IS NOT NULL`;
  return rows.map((r) => r.host);
}

export async function countGroupMembers(tx: Tx, groupId: number): Promise<number> {
  const [row] = await tx.$queryRaw<{ n: bigint }[]>`
    SELECT COUNT(*) AS n FROM server_group_members m JOIN instances i ON i.uuid = m.instance_uuid
     WHERE m.group_id = ${groupId} AND i.deleted = 0`;
  return Number(row?.n ?? 0);
}

export async function addGroupMembers(tx: Tx, groupId: number, uuids: string[], now: Date) {
  await tx.serverGroupMember.createMany({
    data: uuids.map((instanceUuid) => ({ groupId, instanceUuid, createdAt: now })),
  });
}

/** The project's limit for each resource: its own, else the `default` quota class's, else -1. */
export async function quotaLimits(
  sql: Sql,
  projectId: string,
  resources: readonly string[],
): Promise<Record<string, number>> {
  const rows = await sql.$queryRaw<{ resource: string; hard_limit: number; own: number }[]>`
    SELECT resource, hard_limit, 1 AS own FROM quotas
     WHERE project_id = ${projectId} AND resource IN (${inList(resources)})
    UNION ALL
    SELECT resource, hard_limit, 0 AS own FROM quota_classes
     WHERE class_name = 'default' AND resource IN (${inList(resources)})`;
  const limits: Record<string, number> = Object.fromEntries(resources.map((r) => [r, -1]));
  for (const r of rows.filter((x) => !x.own)) limits[r.resource] = r.hard_limit;
  for (const r of rows.filter((x) => x.own)) limits[r.resource] = r.hard_limit;
  return limits;
}

/**
 * Serialize the quota checks of one project: the row is created on first use, and the upsert
 * itself takes its exclusive lock, held until the transaction ends.
 */
export async function lockProjectQuota(tx: Tx, projectId: string, now: Date): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO project_quota_locks (project_id, created_at) VALUES (${projectId}, ${now})
    ON DUPLICATE KEY UPDATE project_id = project_id`;
}
