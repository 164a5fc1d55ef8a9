// Quota limits (a project's own, the quota classes') and what a project uses of them. Limits a
// project or class does not set fall back to the `default` class, then to Nova's defaults.
import {
  NOVA_DEFAULT_QUOTAS,
  QUOTA_RESOURCES,
  type QuotaChanges,
  type QuotaResource,
  type QuotaSet,
  type QuotaUsage,
} from "@nimbus/rpc";
import { Prisma, type Sql, type Tx } from "./db";

const parseLimits = (v: unknown): Record<string, number> =>
  typeof v === "string"
    ? (JSON.parse(v) as Record<string, number>)
    : ((v ?? {}) as Record<string, number>);

/** Every resource: the first of `layers` that sets it, else Nova's default. */
function resolve(...layers: Record<string, number>[]): QuotaSet {
  const set = {} as QuotaSet;
  for (const r of QUOTA_RESOURCES) {
    set[r] = layers.find((l) => l[r] !== undefined)?.[r] ?? NOVA_DEFAULT_QUOTAS[r];
  }
  return set;
}

export interface ProjectQuotas {
  limits: QuotaSet;
  defaults: QuotaSet;
  usage: QuotaUsage;
}

/** A project's limits, the defaults and its usage, in one query (after lockProjectQuota: exact). */
export async function projectQuotas(sql: Sql, projectId: string): Promise<ProjectQuotas> {
  const [row] = await sql.$queryRaw<
    { n: bigint; cores: unknown; ram: unknown; groups: bigint; own: unknown; dflt: unknown }[]
  >`
    SELECT COUNT(*) AS n, COALESCE(SUM(vcpus), 0) AS cores, COALESCE(SUM(memory_mb), 0) AS ram,
           (SELECT COUNT(*) FROM server_groups WHERE project_id = ${projectId} AND deleted = 0) AS \`groups\`,
           (SELECT JSON_OBJECTAGG(resource, hard_limit) FROM quotas WHERE project_id = ${projectId}) AS own,
           (SELECT JSON_OBJECTAGG(resource, hard_limit) FROM quota_classes WHERE class_name = 'default') AS dflt
      FROM instances WHERE project_id = ${projectId} AND deleted = 0`;
  const defaults = resolve(parseLimits(row?.dflt));
  return {
    limits: resolve(parseLimits(row?.own), defaults),
    defaults,
    usage: {
      instances: Number(row?.n ?? 0),
      cores: Number(row?.cores ?? 0),
      ram: Number(row?.ram ?? 0),
      server_groups: Number(row?.groups ?? 0),
    },
  };
}

/** Nova's wording when a new limit is below what is in use (an update that is not forced). */
export function belowUsage(changes: QuotaChanges, usage: QuotaUsage): string | null {
  for (const [resource, limit] of Object.entries(changes) as [QuotaResource, number][]) {
    const used = usage[resource as keyof QuotaUsage];
    if (used !== undefined && limit !== -1 && limit < used) {
      return `Quota limit ${limit} for ${resource} must be greater than or equal to already used and reserved ${used}.`;
    }
  }
  return null;
}

export async function setProjectLimits(
  tx: Tx,
  projectId: string,
  changes: QuotaChanges,
  now: Date,
): Promise<void> {
  const entries = Object.entries(changes);
  if (entries.length === 0) return;
  await tx.$executeRaw`
    INSERT INTO quotas (project_id, resource, hard_limit, created_at, updated_at)
    VALUES ${Prisma.join(entries.map(([r, l]) => Prisma.sql`(${projectId}, ${r}, ${l}, ${now}, ${now})`))}
    ON DUPLICATE KEY UPDATE hard_limit = VALUES(hard_limit), updated_at = VALUES(updated_at)`;
}

export async function deleteProjectLimits(sql: Sql, projectId: string): Promise<void> {
  await sql.$executeRaw`DELETE FROM quotas WHERE project_id = ${projectId}`;
}

/** A class's limits: its own, else Nova's defaults (as Nova's get_class_quotas). */
export async function classLimits(sql: Sql, className: string): Promise<QuotaSet> {
  const rows = await sql.$queryRaw<{ resource: string; hard_limit: number }[]>`
    SELECT resource, hard_limit FROM quota_classes WHERE class_name = ${className}`;
  return resolve(Object.fromEntries(rows.map((r) => [r.resource, r.hard_limit])));
}

export async function setClassLimits(
  sql: Sql,
  className: string,
  changes: QuotaChanges,
  now: Date,
): Promise<void> {
  const entries = Object.entries(changes);
  if (entries.length === 0) return;
  await sql.$executeRaw`
    INSERT INTO quota_classes (class_name, resource, hard_limit, created_at, updated_at)
    VALUES ${Prisma.join(entries.map(([r, l]) => Prisma.sql`(${className}, ${r}, ${l}, ${now}, ${now})`))}
    ON DUPLICATE KEY UPDATE hard_limit = VALUES(hard_limit), updated_at = VALUES(updated_at)`;
}
