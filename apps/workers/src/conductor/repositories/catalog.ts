// What a new server refers to — flavors, images, key pairs, server groups — and the project's
// quota limits and lock.
import {
  NOVA_DEFAULT_QUOTAS,
  type FlavorSnapshot,
  type Image,
  type QuotaResource,
} from "@nimbus/rpc";
import { Prisma, type Sql, type Tx } from "./db";
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
  return toUsableFlavor(await sql.$queryRaw(usableFlavorSql(flavorid, projectId, isAdmin)));
}

/** findUsableFlavor's query (for batches); its rows go through `toUsableFlavor`. */
export const usableFlavorSql = (flavorid: string, projectId: string, isAdmin: boolean) =>
  Prisma.sql`
    SELECT f.id, f.flavorid, f.name, f.memory_mb, f.vcpus, f.root_gb, f.ephemeral_gb, f.swap,
           f.disabled, e.key AS spec_key, e.value AS spec_value
      FROM flavors f LEFT JOIN flavor_extra_specs e ON e.flavor_id = f.id
     WHERE f.flavorid = ${flavorid}
       AND (f.is_public OR ${isAdmin} OR EXISTS (
             SELECT 1 FROM flavor_projects p WHERE p.flavor_id = f.id AND p.project_id = ${projectId}))`;

export function toUsableFlavor(result: unknown[]): FlavorForBuild | null {
  const rows = result as {
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
  }[];
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
  return toVisibleImage(await sql.$queryRaw(visibleImageSql(id, projectId)));
}

export const toVisibleImage = (rows: unknown[]): Image | null =>
  rows[0] ? toImage(rows[0] as ImageRow) : null;

/** findVisibleImage's query (for batches); its rows go through `toVisibleImage`. */
export const visibleImageSql = (id: string, projectId: string | null) => Prisma.sql`
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

export async function findKeyPair(
  sql: Sql,
  userId: string,
  name: string,
): Promise<{ name: string; publicKey: string } | null> {
  return toKeyPair(await sql.$queryRaw(keyPairSql(userId, name)));
}

/** findKeyPair's query (for batches); its rows go through `toKeyPair`. */
export const keyPairSql = (userId: string, name: string) => Prisma.sql`
  SELECT name, public_key FROM key_pairs WHERE user_id = ${userId} AND name = ${name} AND deleted = 0`;

export function toKeyPair(rows: unknown[]): { name: string; publicKey: string } | null {
  const row = rows[0] as { name: string; public_key: string } | undefined;
  return row ? { name: row.name, publicKey: row.public_key } : null;
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
  return toServerGroup(await sql.$queryRaw(serverGroupSql(uuid, projectId)));
}

/** findServerGroup's query (for batches); its rows go through `toServerGroup`. */
export const serverGroupSql = (uuid: string, projectId: string | null) => Prisma.sql`
  SELECT id, uuid, policy FROM server_groups
   WHERE uuid = ${uuid} AND deleted = 0
     ${projectId === null ? Prisma.empty : Prisma.sql`AND project_id = ${projectId}`}`;

export function toServerGroup(rows: unknown[]): ServerGroupRef | null {
  const row = rows[0] as { id: number; uuid: string; policy: string } | undefined;
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
  return toCount(await tx.$queryRaw(countGroupMembersSql(groupId)));
}

export const countGroupMembersSql = (groupId: number) => Prisma.sql`
  SELECT COUNT(*) AS n FROM server_group_members m JOIN instances i ON i.uuid = m.instance_uuid
   WHERE m.group_id = ${groupId} AND i.deleted = 0`;

/** The n of a COUNT(*) AS n query. */
export const toCount = (rows: unknown[]) => Number((rows[0] as { n?: bigint } | undefined)?.n ?? 0);

export const addGroupMembersSql = (groupId: number, uuids: string[], now: Date) => Prisma.sql`
  INSERT INTO server_group_members (group_id, instance_uuid, created_at)
  VALUES ${Prisma.join(uuids.map((uuid) => Prisma.sql`(${groupId}, ${uuid}, ${now})`))}`;

export interface QuotaState {
  /** live instances of the project and the vCPUs and RAM they hold */
  usage: { instances: number; cores: number; ram: number };
  /** the limit of a resource: the project's own, else the `default` quota class's, else Nova's */
  limit(resource: string): number;
}

/** A project's usage and limits, in one query (run it after lockProjectQuota to count exactly). */
export async function quotaState(sql: Sql, projectId: string): Promise<QuotaState> {
  return toQuotaState(await sql.$queryRaw(quotaStateSql(projectId)));
}

/** quotaState's query (for batches); its rows go through `toQuotaState`. */
export const quotaStateSql = (projectId: string) => Prisma.sql`
  SELECT COUNT(*) AS n, COALESCE(SUM(vcpus), 0) AS cores, COALESCE(SUM(memory_mb), 0) AS ram,
         (SELECT JSON_OBJECTAGG(resource, hard_limit) FROM quotas WHERE project_id = ${projectId}) AS own,
         (SELECT JSON_OBJECTAGG(resource, hard_limit) FROM quota_classes WHERE class_name = 'default') AS dflt
    FROM instances WHERE project_id = ${projectId} AND deleted = 0`;

export function toQuotaState(rows: unknown[]): QuotaState {
  const row = rows[0] as
    | { n: bigint; cores: unknown; ram: unknown; own: unknown; dflt: unknown }
    | undefined;
  const limits = (v: unknown): Record<string, number> =>
    typeof v === "string"
      ? (JSON.parse(v) as Record<string, number>)
      : ((v ?? {}) as Record<string, number>);
  const own = limits(row?.own);
  const dflt = limits(row?.dflt);
  return {
    usage: {
      instances: Number(row?.n ?? 0),
      cores: Number(row?.cores ?? 0),
      ram: Number(row?.ram ?? 0),
    },
    limit: (resource) =>
      own[resource] ?? dflt[resource] ?? NOVA_DEFAULT_QUOTAS[resource as QuotaResource] ?? -1,
  };
}

/**
 * Serialize the quota checks of one project: the row is created on first use, and the upsert
 * itself takes its exclusive lock, held until the transaction ends.
 */
export async function lockProjectQuota(tx: Tx, projectId: string, now: Date): Promise<void> {
  await tx.$executeRaw(lockProjectQuotaSql(projectId, now));
}

export const lockProjectQuotaSql = (projectId: string, now: Date) => Prisma.sql`
  INSERT INTO project_quota_locks (project_id, created_at) VALUES (${projectId}, ${now})
  ON DUPLICATE KEY UPDATE project_id = project_id`;
