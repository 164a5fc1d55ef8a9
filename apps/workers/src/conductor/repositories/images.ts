// Glance's image records: the list with its filters, sort keys and marker, creation, and the
// updates the image API makes (fields, properties, the upload's status changes, delete).
import type { Image, IMAGE_SORT_KEYS, ImageFields } from "@nimbus/rpc";
import { inList, Prisma, type Sql, type Tx } from "./db";
import { toImage, type ImageRow } from "./mapping";

const COLUMNS =
  Prisma.raw(`id, name, status, visibility, owner, disk_format, container_format, size,
  virtual_size, checksum, os_hash_algo, os_hash_value, min_disk, min_ram, protected, properties, tags,
  location, created_at, updated_at`);

/** Images that exist for the API: not deleted (a deleted record keeps its id taken). */
const LIVE = Prisma.sql`deleted_at IS NULL AND status NOT IN ('deleted', 'pending_delete')`;

/** What a project may see of one image: public and community ones, and its own; null: any. */
function visibleTo(projectId: string | null): Prisma.Sql {
  return projectId === null
    ? Prisma.empty
    : Prisma.sql`AND (visibility IN ('public', 'community') OR owner = ${projectId})`;
}

/** One image `projectId` may see, locked for the rest of the transaction. */
export async function lockVisibleImage(
  tx: Tx,
  id: string,
  projectId: string | null,
): Promise<Image | null> {
  const rows = await tx.$queryRaw<ImageRow[]>`
    SELECT ${COLUMNS} FROM images WHERE id = ${id} AND ${LIVE} ${visibleTo(projectId)} FOR UPDATE`;
  return rows[0] ? toImage(rows[0]) : null;
}

export async function getImageById(sql: Sql, id: string): Promise<Image | null> {
  const rows = await sql.$queryRaw<ImageRow[]>`
    SELECT ${COLUMNS} FROM images WHERE id = ${id} AND ${LIVE}`;
  return rows[0] ? toImage(rows[0]) : null;
}

export interface NewImage {
  id: string;
  owner: string;
  fields: ImageFields;
  properties: Record<string, string>;
}

/** Inserts a queued image with Glance's defaults for what `fields` leaves out. */
export async function insertImage(sql: Sql, image: NewImage, now: Date): Promise<void> {
  const f = image.fields;
  await sql.$executeRaw`
    INSERT INTO images (id, name, status, visibility, owner, disk_format, container_format,
                        min_disk, min_ram, protected, properties, tags, created_at, updated_at)
    VALUES (${image.id}, ${f.name ?? null}, 'queued', ${f.visibility ?? "shared"}, ${image.owner},
            ${f.diskFormat ?? null}, ${f.containerFormat ?? null}, ${f.minDisk ?? 0},
            ${f.minRam ?? 0}, ${f.protected ?? false}, ${JSON.stringify(image.properties)},
            ${JSON.stringify(uniqueTags(f.tags ?? []))}, ${now}, ${now})`;
}

/** Writes an image's client-settable fields and properties back (after lockVisibleImage). */
export async function saveImage(tx: Tx, image: Image, now: Date): Promise<void> {
  await tx.$executeRaw`
    UPDATE images
       SET name = ${image.name}, visibility = ${image.visibility}, owner = ${image.owner},
           disk_format = ${image.diskFormat}, container_format = ${image.containerFormat},
           min_disk = ${image.minDisk}, min_ram = ${image.minRam}, protected = ${image.protected},
           properties = ${JSON.stringify(image.properties)},
           tags = ${JSON.stringify(uniqueTags(image.tags))}, updated_at = ${now}
     WHERE id = ${image.id}`;
}

export async function markImageDeleted(tx: Tx, id: string, now: Date): Promise<void> {
  await tx.$executeRaw`
    UPDATE images SET status = 'deleted', deleted_at = ${now}, updated_at = ${now} WHERE id = ${id}`;
}

export async function setImageStatus(tx: Tx, id: string, status: string, now: Date) {
  await tx.$executeRaw`UPDATE images SET status = ${status}, updated_at = ${now} WHERE id = ${id}`;
}

export interface ImageData {
  size: number;
  virtualSize: number | null;
  checksum: string;
  osHashAlgo: string;
  osHashValue: string;
  location: string;
}

/** saving → active with the data's facts; false if the image is no longer saving (or gone). */
export async function activateImage(
  sql: Sql,
  id: string,
  data: ImageData,
  now: Date,
): Promise<boolean> {
  const n = await sql.$executeRaw`
    UPDATE images
       SET status = 'active', size = ${data.size}, virtual_size = ${data.virtualSize},
           checksum = ${data.checksum}, os_hash_algo = ${data.osHashAlgo},
           os_hash_value = ${data.osHashValue}, location = ${data.location}, updated_at = ${now}
     WHERE id = ${id} AND status = 'saving' AND deleted_at IS NULL`;
  return n === 1;
}

/** saving → queued, as Glance restores an image whose upload failed; a no-op otherwise. */
export async function requeueImage(sql: Sql, id: string, now: Date): Promise<void> {
  await sql.$executeRaw`
    UPDATE images
       SET status = 'queued', size = NULL, virtual_size = NULL, checksum = NULL,
           os_hash_algo = NULL, os_hash_value = NULL, location = NULL, updated_at = ${now}
     WHERE id = ${id} AND status = 'saving' AND deleted_at IS NULL`;
}

const uniqueTags = (tags: readonly string[]) => [...new Set(tags)];

// ─── the list ───────────────────────────────────────────────────────────────────────────────

export type ImageSortKey = (typeof IMAGE_SORT_KEYS)[number];
type Comparison = { op: "eq" | "neq" | "gt" | "gte" | "lt" | "lte"; at: Date };

export interface ImageListQuery {
  projectId: string;
  allProjects: boolean;
  filters: {
    ids?: string[];
    names?: string[];
    statuses?: string[];
    diskFormats?: string[];
    containerFormats?: string[];
    visibility?: string;
    owner?: string;
    tags?: string[];
    protected?: boolean;
    checksum?: string;
    osHashValue?: string;
    sizeMin?: number;
    sizeMax?: number;
    createdAt?: Comparison;
    updatedAt?: Comparison;
    properties?: Record<string, string>;
  };
  sort: { key: ImageSortKey; dir: "asc" | "desc" }[];
  limit: number;
  marker?: string;
}

/**
 * The sortable expression of each key. Nullable columns go through COALESCE with a value below any
 * real one, so ORDER BY and the marker's comparison agree on one order.
 */
const SORT_EXPRESSIONS: Record<ImageSortKey, string> = {
  name: "COALESCE(name, '')",
  status: "status",
  container_format: "COALESCE(container_format, '')",
  disk_format: "COALESCE(disk_format, '')",
  size: "COALESCE(size, -1)",
  id: "id",
  created_at: "created_at",
  updated_at: "updated_at",
};

const OPERATORS = { eq: "=", neq: "<>", gt: ">", gte: ">=", lt: "<", lte: "<=" } as const;

export async function listImages(
  sql: Sql,
  q: ImageListQuery,
): Promise<{ images: Image[] } | { error: "marker" }> {
  // Glance's default list leaves out killed images too.
  const where: Prisma.Sql[] = [
    Prisma.sql`deleted_at IS NULL AND status NOT IN ('deleted', 'pending_delete', 'killed')`,
  ];
  const scope = q.allProjects
    ? Prisma.empty
    : Prisma.sql`AND (visibility IN ('public', 'community') OR owner = ${q.projectId})`;
  const f = q.filters;
  if (f.visibility === undefined) {
    // Another project's community images only show when asked for.
    where.push(Prisma.sql`(visibility <> 'community' OR owner = ${q.projectId})`);
  } else if (f.visibility !== "all") {
    where.push(Prisma.sql`visibility = ${f.visibility}`);
  }
  const anyOf = (column: string, values: string[] | undefined) => {
    if (values) where.push(Prisma.sql`${Prisma.raw(column)} IN (${inList(values)})`);
  };
  if ([f.ids, f.names, f.statuses, f.diskFormats, f.containerFormats].some((v) => v?.length === 0))
    return { images: [] };
  anyOf("id", f.ids);
  anyOf("name", f.names);
  anyOf("status", f.statuses);
  anyOf("disk_format", f.diskFormats);
  anyOf("container_format", f.containerFormats);
  if (f.owner !== undefined) where.push(Prisma.sql`owner = ${f.owner}`);
  for (const tag of f.tags ?? []) where.push(Prisma.sql`JSON_CONTAINS(tags, JSON_QUOTE(${tag}))`);
  if (f.protected !== undefined) where.push(Prisma.sql`protected = ${f.protected}`);
  if (f.checksum !== undefined) where.push(Prisma.sql`checksum = ${f.checksum}`);
  if (f.osHashValue !== undefined) where.push(Prisma.sql`os_hash_value = ${f.osHashValue}`);
  if (f.sizeMin !== undefined) where.push(Prisma.sql`size >= ${f.sizeMin}`);
  if (f.sizeMax !== undefined) where.push(Prisma.sql`size <= ${f.sizeMax}`);
  for (const [column, c] of [
    ["created_at", f.createdAt],
    ["updated_at", f.updatedAt],
  ] as const) {
    if (c) where.push(Prisma.sql`${Prisma.raw(column)} ${Prisma.raw(OPERATORS[c.op])} ${c.at}`);
  }
  for (const [key, value] of Object.entries(f.properties ?? {})) {
    // A quoted member name in the JSON path, so any key is taken literally.
    const path = `$.${JSON.stringify(key)}`;
    where.push(Prisma.sql`JSON_UNQUOTE(JSON_EXTRACT(properties, ${path})) = ${value}`);
  }

  const sort = [...q.sort];
  const defaultDir = sort[0]?.dir ?? "desc";
  // As Glance: created_at then id complete any sort, so the order is total and a marker exact.
  for (const key of ["created_at", "id"] as const) {
    if (!sort.some((s) => s.key === key)) sort.push({ key, dir: defaultDir });
  }
  const keys = sort.map((s) => ({ expr: Prisma.raw(SORT_EXPRESSIONS[s.key]), dir: s.dir }));

  if (q.marker !== undefined) {
    const rows = await sql.$queryRaw<Record<string, unknown>[]>`
      SELECT ${Prisma.join(
        keys.map((k, n) => Prisma.sql`${k.expr} AS ${Prisma.raw(`k${n}`)}`),
        ", ",
      )}
        FROM images WHERE id = ${q.marker} AND ${LIVE} ${scope}`;
    const marker = rows[0];
    if (!marker) return { error: "marker" };
    const after = keys.map((k, n) => {
      const equalBefore = keys
        .slice(0, n)
        .map((p, m) => Prisma.sql`${p.expr} = ${marker[`k${m}`]}`);
      const beyond = Prisma.sql`${k.expr} ${Prisma.raw(k.dir === "asc" ? ">" : "<")} ${marker[`k${n}`]}`;
      return Prisma.sql`(${Prisma.join([...equalBefore, beyond], " AND ")})`;
    });
    where.push(Prisma.sql`(${Prisma.join(after, " OR ")})`);
  }

  const rows = await sql.$queryRaw<ImageRow[]>`
    SELECT ${COLUMNS} FROM images
     WHERE ${Prisma.join(where, " AND ")} ${scope}
     ORDER BY ${Prisma.join(
       keys.map((k) => Prisma.sql`${k.expr} ${Prisma.raw(k.dir === "asc" ? "ASC" : "DESC")}`),
       ", ",
     )}
     LIMIT ${q.limit}`;
  return { images: rows.map(toImage) };
}
