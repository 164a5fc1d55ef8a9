// GET /servers in the database: filters, sort keys and (sort key, id) marker pagination, so that a
// page is one indexed query for its rows (then one batched query per side table), however many
// servers there are.
import type { Instance, SERVER_SORT_KEYS } from "@nimbus/rpc";
import { statesFromStatus } from "@nimbus/rpc/domain";
import { inList, mysqlCode, mysqlMessage, Prisma, type Sql } from "./db";
import { complete, SELECT_MANY, type BaseRow } from "./instances";

export type SortKey = (typeof SERVER_SORT_KEYS)[number];

export interface ServerListQuery {
  projectId: string | null;
  filters: {
    name?: string;
    status?: string[];
    vmState?: string[];
    host?: string;
    node?: string;
    uuid?: string;
    flavor?: string;
    image?: string;
    availabilityZone?: string;
    userId?: string;
    reservationId?: string;
    locked?: boolean;
    changesSince?: Date;
    changesBefore?: Date;
    deleted?: boolean;
  };
  sort: { key: SortKey; dir: "asc" | "desc" }[];
  limit: number;
  marker?: string;
}

/**
 * The sortable expression of each key. Nullable columns sort through COALESCE with a value below
 * any real one, so that ORDER BY and the marker comparison see the same total order (MariaDB puts
 * NULL first in ascending order, which this keeps).
 */
const SORT_EXPRESSIONS: Record<SortKey, string> = {
  created_at: "i.created_at",
  updated_at: "i.updated_at",
  launched_at: "COALESCE(i.launched_at, TIMESTAMP'1000-01-01 00:00:00')",
  terminated_at: "COALESCE(i.terminated_at, TIMESTAMP'1000-01-01 00:00:00')",
  display_name: "COALESCE(i.display_name, '')",
  display_description: "COALESCE(i.description, '')",
  hostname: "COALESCE(i.hostname, '')",
  uuid: "i.uuid",
  vm_state: "i.vm_state",
  task_state: "COALESCE(i.task_state, '')",
  power_state: "i.power_state",
  progress: "COALESCE(i.progress, -1)",
  host: "COALESCE(i.host, '')",
  node: "COALESCE(i.node, '')",
  availability_zone: "COALESCE(i.availability_zone, '')",
  project_id: "i.project_id",
  user_id: "i.user_id",
  image_ref: "COALESCE(i.image_ref, '')",
  key_name: "COALESCE(i.key_name, '')",
  launch_index: "i.launch_index",
  locked: "i.locked",
  locked_by: "COALESCE(i.locked_by, '')",
  access_ip_v4: "COALESCE(i.access_ip_v4, '')",
  access_ip_v6: "COALESCE(i.access_ip_v6, '')",
  memory_mb: "i.memory_mb",
  vcpus: "i.vcpus",
};

export type ListOutcome =
  { servers: Instance[] } | { error: "marker" } | { error: "regex"; message: string };

export async function listServerPage(sql: Sql, q: ServerListQuery): Promise<ListOutcome> {
  const where: Prisma.Sql[] = [];
  const f = q.filters;
  if (q.projectId !== null) where.push(Prisma.sql`i.project_id = ${q.projectId}`);

  // Nova's three-way `deleted`: only deleted, only live, or (absent) both.
  if (f.deleted !== undefined)
    where.push(f.deleted ? Prisma.sql`i.deleted <> 0` : Prisma.sql`i.deleted = 0`);

  if (f.status) {
    const selectors = f.status.flatMap(statesFromStatus);
    // An unknown status matches nothing, as in Nova.
    if (selectors.length === 0) return { servers: [] };
    const alternatives = selectors.map((s) =>
      "taskStates" in s
        ? Prisma.sql`(i.vm_state = ${s.vmState} AND i.task_state IN (${inList(s.taskStates)}))`
        : s.exceptTaskStates.length > 0
          ? Prisma.sql`(i.vm_state = ${s.vmState} AND (i.task_state IS NULL OR i.task_state NOT IN (${inList(s.exceptTaskStates)})))`
          : Prisma.sql`i.vm_state = ${s.vmState}`,
    );
    where.push(Prisma.sql`(${Prisma.join(alternatives, " OR ")})`);
  }
  if (f.vmState?.length) where.push(Prisma.sql`i.vm_state IN (${inList(f.vmState)})`);
  if (f.name !== undefined) where.push(Prisma.sql`i.display_name REGEXP ${f.name}`);
  if (f.host !== undefined) where.push(Prisma.sql`i.host = ${f.host}`);
  if (f.node !== undefined) where.push(Prisma.sql`i.node = ${f.node}`);
  if (f.uuid !== undefined) where.push(Prisma.sql`i.uuid = ${f.uuid}`);
  if (f.flavor !== undefined) where.push(Prisma.sql`JSON_VALUE(i.flavor, '$.id') = ${f.flavor}`);
  if (f.image !== undefined) where.push(Prisma.sql`i.image_ref = ${f.image}`);
  if (f.availabilityZone !== undefined)
    where.push(Prisma.sql`i.availability_zone = ${f.availabilityZone}`);
  if (f.userId !== undefined) where.push(Prisma.sql`i.user_id = ${f.userId}`);
  if (f.reservationId !== undefined) where.push(Prisma.sql`i.reservation_id = ${f.reservationId}`);
  if (f.locked !== undefined) where.push(Prisma.sql`i.locked = ${f.locked}`);
  if (f.changesSince) where.push(Prisma.sql`i.updated_at >= ${f.changesSince}`);
  if (f.changesBefore) where.push(Prisma.sql`i.updated_at <= ${f.changesBefore}`);

  const sort = q.sort.length > 0 ? q.sort : [{ key: "created_at" as const, dir: "desc" as const }];
  const keys = sort.map((s) => ({ expr: Prisma.raw(SORT_EXPRESSIONS[s.key]), dir: s.dir }));
  // The id breaks ties, so the order is total and a marker is an exact position.
  keys.push({ expr: Prisma.raw("i.id"), dir: sort[0]!.dir });

  if (q.marker !== undefined) {
    const rows = await sql.$queryRaw<Record<string, unknown>[]>`
      SELECT ${Prisma.join(
        keys.map((k, n) => Prisma.sql`${k.expr} AS ${Prisma.raw(`k${n}`)}`),
        ", ",
      )}
        FROM instances i
       WHERE i.uuid = ${q.marker}
         ${q.projectId === null ? Prisma.empty : Prisma.sql`AND i.project_id = ${q.projectId}`}`;
    const marker = rows[0];
    if (!marker) return { error: "marker" };
    const after = keys.map((k, n) => {
      const equalBefore = keys
        .slice(0, n)
        .map((p, m) => Prisma.sql`${p.expr} = ${marker[`k${m}`]}`);
      const beyond =
        k.dir === "asc"
          ? Prisma.sql`${k.expr} > ${marker[`k${n}`]}`
          : Prisma.sql`${k.expr} < ${marker[`k${n}`]}`;
      return Prisma.sql`(${Prisma.join([...equalBefore, beyond], " AND ")})`;
    });
    where.push(Prisma.sql`(${Prisma.join(after, " OR ")})`);
  }

  let rows: BaseRow[];
  try {
    rows = await sql.$queryRaw<BaseRow[]>`
      ${SELECT_MANY}
       ${where.length ? Prisma.sql`WHERE ${Prisma.join(where, " AND ")}` : Prisma.empty}
       ORDER BY ${Prisma.join(
         keys.map((k) => Prisma.sql`${k.expr} ${Prisma.raw(k.dir === "asc" ? "ASC" : "DESC")}`),
         ", ",
       )}
       LIMIT ${q.limit}`;
  } catch (err) {
    // ER_REGEXP_ERROR: the name filter is not a valid regular expression.
    if (mysqlCode(err) === "1139") {
      return { error: "regex", message: mysqlMessage(err) ?? "invalid regular expression" };
    }
    throw err;
  }
  return { servers: (await complete(sql, rows)).map((r) => r.instance) };
}
