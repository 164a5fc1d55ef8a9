// Flavors with their extra specs and access lists. Flavors are few (tens, hundreds), so a list
// reads every flavor the caller may see in the requested order and pages in memory: the marker
// then only has to be visible, not to match the filters, as with Nova's keyset pagination.
import type { Flavor, listFlavors as listFlavorsContract } from "@nimbus/rpc";
import type { z } from "zod";
import { inList, isUniqueViolation, Prisma, type Sql, type Tx } from "./db";

interface FlavorRow {
  id: number;
  flavorid: string;
  name: string;
  memory_mb: number;
  vcpus: number;
  root_gb: number;
  ephemeral_gb: number;
  swap: number;
  rxtx_factor: number;
  is_public: number | boolean;
  disabled: number | boolean;
  description: string | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = Prisma.sql`f.id, f.flavorid, f.name, f.memory_mb, f.vcpus, f.root_gb,
  f.ephemeral_gb, f.swap, f.rxtx_factor, f.is_public, f.disabled, f.description, f.created_at,
  f.updated_at`;

function toFlavor(row: FlavorRow, extraSpecs: Record<string, string>): Flavor {
  return {
    id: row.flavorid,
    name: row.name,
    memoryMb: row.memory_mb,
    vcpus: row.vcpus,
    rootGb: row.root_gb,
    ephemeralGb: row.ephemeral_gb,
    swap: row.swap,
    // FLOAT(24) in MySQL: 1.1 reads back as 1.100000023841858; 6 digits is what it holds.
    rxtxFactor: Number(row.rxtx_factor.toPrecision(6)),
    isPublic: Boolean(row.is_public),
    disabled: Boolean(row.disabled),
    description: row.description,
    extraSpecs,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** Public, or private with access granted to `projectId`. */
const usableBy = (projectId: string) => Prisma.sql`(f.is_public OR EXISTS (
  SELECT 1 FROM flavor_projects p WHERE p.flavor_id = f.id AND p.project_id = ${projectId}))`;

async function extraSpecsOf(sql: Sql, ids: number[]): Promise<Map<number, Record<string, string>>> {
  const specs = new Map<number, Record<string, string>>(ids.map((id) => [id, {}]));
  if (ids.length === 0) return specs;
  const rows = await sql.$queryRaw<{ flavor_id: number; key: string; value: string }[]>`
    SELECT flavor_id, \`key\`, value FROM flavor_extra_specs WHERE flavor_id IN (${inList(ids)})`;
  for (const r of rows) specs.get(r.flavor_id)![r.key] = r.value;
  return specs;
}

async function withSpecs(sql: Sql, rows: FlavorRow[]): Promise<Flavor[]> {
  const specs = await extraSpecsOf(
    sql,
    rows.map((r) => r.id),
  );
  return rows.map((r) => toFlavor(r, specs.get(r.id)!));
}

type SortKey = z.input<(typeof listFlavorsContract)["request"]>["sortKey"];

const SORT_COLUMNS: Record<SortKey, Prisma.Sql | null> = {
  created_at: Prisma.sql`f.created_at`,
  description: Prisma.sql`f.description`,
  disabled: Prisma.sql`f.disabled`,
  ephemeral_gb: Prisma.sql`f.ephemeral_gb`,
  flavorid: Prisma.sql`f.flavorid`,
  id: null,
  is_public: Prisma.sql`f.is_public`,
  memory_mb: Prisma.sql`f.memory_mb`,
  name: Prisma.sql`f.name`,
  root_gb: Prisma.sql`f.root_gb`,
  rxtx_factor: Prisma.sql`f.rxtx_factor`,
  swap: Prisma.sql`f.swap`,
  updated_at: Prisma.sql`f.updated_at`,
  vcpu_weight: null,
  vcpus: Prisma.sql`f.vcpus`,
};

export interface FlavorQuery {
  projectId: string;
  allProjects: boolean;
  isPublic: boolean | null;
  enabledOnly: boolean;
  minRam?: number | undefined;
  minDisk?: number | undefined;
  sortKey: SortKey;
  sortDir: "asc" | "desc";
  limit?: number | undefined;
  marker?: string | undefined;
}

/** The flavors of a page, or "marker" when the marker names no flavor the caller may see. */
export async function listFlavors(sql: Sql, q: FlavorQuery): Promise<Flavor[] | "marker"> {
  const filters: Prisma.Sql[] = [Prisma.sql`TRUE`];
  if (q.isPublic === true) filters.push(usableBy(q.projectId));
  if (q.isPublic === false) filters.push(Prisma.sql`NOT f.is_public`);
  if (q.enabledOnly) filters.push(Prisma.sql`NOT f.disabled`);
  if (q.minRam !== undefined) filters.push(Prisma.sql`f.memory_mb >= ${q.minRam}`);
  if (q.minDisk !== undefined) filters.push(Prisma.sql`f.root_gb >= ${q.minDisk}`);
  const dir = q.sortDir === "desc" ? Prisma.sql`DESC` : Prisma.sql`ASC`;
  const column = SORT_COLUMNS[q.sortKey];
  const rows = await sql.$queryRaw<(FlavorRow & { matches: number | bigint })[]>`
    SELECT ${COLUMNS}, (${Prisma.join(filters, " AND ")}) AS matches
      FROM flavors f
     WHERE ${q.allProjects ? Prisma.sql`TRUE` : usableBy(q.projectId)}
     ORDER BY ${column ? Prisma.sql`${column} ${dir}, ` : Prisma.empty}f.id ${dir}`;
  let from = 0;
  if (q.marker !== undefined) {
    const at = rows.findIndex((r) => r.flavorid === q.marker);
    if (at === -1) return "marker";
    from = at + 1;
  }
  const page = rows.slice(from).filter((r) => Number(r.matches) === 1);
  return withSpecs(sql, q.limit === undefined ? page : page.slice(0, q.limit));
}

/** A flavor by its public id; with `projectId`, only if that project may use it. */
export async function getFlavor(
  sql: Sql,
  flavorid: string,
  projectId: string | null,
): Promise<Flavor | null> {
  const rows = await sql.$queryRaw<FlavorRow[]>`
    SELECT ${COLUMNS} FROM flavors f
     WHERE f.flavorid = ${flavorid} ${projectId === null ? Prisma.empty : Prisma.sql`AND ${usableBy(projectId)}`}`;
  return rows[0] ? (await withSpecs(sql, rows))[0]! : null;
}

async function flavorRowId(sql: Sql, flavorid: string, lock = false): Promise<number | null> {
  const rows = await sql.$queryRaw<{ id: number }[]>`
    SELECT id FROM flavors WHERE flavorid = ${flavorid} ${lock ? Prisma.sql`FOR UPDATE` : Prisma.empty}`;
  return rows[0]?.id ?? null;
}

export interface NewFlavor {
  flavorid: string;
  name: string;
  memoryMb: number;
  vcpus: number;
  rootGb: number;
  ephemeralGb: number;
  swap: number;
  rxtxFactor: number;
  isPublic: boolean;
  description: string | null;
}

/** Insert a flavor; "name" or "id" when that one is taken. */
export async function insertFlavor(
  sql: Sql,
  f: NewFlavor,
  now: Date,
): Promise<"created" | "name" | "id"> {
  try {
    await sql.$executeRaw`
      INSERT INTO flavors (flavorid, name, memory_mb, vcpus, root_gb, ephemeral_gb, swap,
                           rxtx_factor, is_public, description, created_at, updated_at)
      VALUES (${f.flavorid}, ${f.name}, ${f.memoryMb}, ${f.vcpus}, ${f.rootGb}, ${f.ephemeralGb},
              ${f.swap}, ${f.rxtxFactor}, ${f.isPublic}, ${f.description}, ${now}, ${now})`;
    return "created";
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    return (await flavorRowId(sql, f.flavorid)) === null ? "name" : "id";
  }
}

export async function setFlavorDescription(
  sql: Sql,
  flavorid: string,
  description: string | null,
  now: Date,
): Promise<boolean> {
  const n = await sql.$executeRaw`
    UPDATE flavors SET description = ${description}, updated_at = ${now} WHERE flavorid = ${flavorid}`;
  return n === 1;
}

/** Extra specs and access rows go with it (ON DELETE CASCADE); servers keep their snapshot. */
export async function deleteFlavor(sql: Sql, flavorid: string): Promise<boolean> {
  return (await sql.$executeRaw`DELETE FROM flavors WHERE flavorid = ${flavorid}`) === 1;
}

/**
 * Set extra specs and/or remove one, then read them all back. "flavor" when there is no such
 * flavor, "key" when the key to remove is not there.
 */
export async function updateExtraSpecs(
  tx: Tx,
  flavorid: string,
  change: { set?: Record<string, string> | undefined; unset?: string | undefined },
  now: Date,
): Promise<Record<string, string> | "flavor" | "key"> {
  const id = await flavorRowId(tx, flavorid, true);
  if (id === null) return "flavor";
  const entries = Object.entries(change.set ?? {});
  if (entries.length > 0) {
    await tx.$executeRaw`
      INSERT INTO flavor_extra_specs (flavor_id, \`key\`, value)
      VALUES ${Prisma.join(entries.map(([k, v]) => Prisma.sql`(${id}, ${k}, ${v})`))}
      ON DUPLICATE KEY UPDATE value = VALUES(value)`;
  }
  if (change.unset !== undefined) {
    const n = await tx.$executeRaw`
      DELETE FROM flavor_extra_specs WHERE flavor_id = ${id} AND \`key\` = ${change.unset}`;
    if (n === 0) return "key";
  }
  await tx.$executeRaw`UPDATE flavors SET updated_at = ${now} WHERE id = ${id}`;
  return (await extraSpecsOf(tx, [id])).get(id)!;
}

export interface AccessRow {
  id: number;
  isPublic: boolean;
}

/** The flavor's row id and visibility, locked for an access change. */
export async function lockFlavorForAccess(tx: Tx, flavorid: string): Promise<AccessRow | null> {
  const rows = await tx.$queryRaw<{ id: number; is_public: number | boolean }[]>`
    SELECT id, is_public FROM flavors WHERE flavorid = ${flavorid} FOR UPDATE`;
  const row = rows[0];
  return row ? { id: row.id, isPublic: Boolean(row.is_public) } : null;
}

export async function accessProjects(sql: Sql, flavorId: number): Promise<string[]> {
  const rows = await sql.$queryRaw<{ project_id: string }[]>`
    SELECT project_id FROM flavor_projects WHERE flavor_id = ${flavorId} ORDER BY id`;
  return rows.map((r) => r.project_id);
}

/** false when the project already has access. */
export async function grantAccess(tx: Tx, flavorId: number, projectId: string): Promise<boolean> {
  try {
    await tx.$executeRaw`
      INSERT INTO flavor_projects (flavor_id, project_id) VALUES (${flavorId}, ${projectId})`;
    return true;
  } catch (err) {
    if (isUniqueViolation(err)) return false;
    throw err;
  }
}

/** false when the project had no access. */
export async function revokeAccess(tx: Tx, flavorId: number, projectId: string): Promise<boolean> {
  const n = await tx.$executeRaw`
    DELETE FROM flavor_projects WHERE flavor_id = ${flavorId} AND project_id = ${projectId}`;
  return n === 1;
}
