// Instance actions (one per user request on a server) and their events (the steps each service
// took), as os-instance-actions shows them.
import type { InstanceAction } from "@nimbus/rpc";
import { inList, Prisma, type Sql } from "./db";
import { toInstanceAction, type ActionRow, type EventRow } from "./mapping";

export interface ActionStart {
  action: string;
  requestId: string;
  userId: string | null;
  projectId: string | null;
  /** the lock action keeps the lock's reason here */
  message?: string | null;
  now: Date;
}

/** Record one action; throws a unique violation when this request already acted on the server. */
export async function startAction(sql: Sql, uuid: string, start: ActionStart): Promise<number> {
  const [row] = await sql.$queryRaw<{ id: number }[]>`
    INSERT INTO instance_actions
      (action, instance_uuid, request_id, user_id, project_id, message, start_time, created_at, updated_at)
    VALUES (${start.action}, ${uuid}, ${start.requestId}, ${start.userId}, ${start.projectId},
            ${start.message ?? null}, ${start.now}, ${start.now}, ${start.now})
    RETURNING id`;
  return row!.id;
}

/**
 * The same action for many new servers, each with `event` started: two statements, for a batch.
 * The events find their action by (server, request), which is unique.
 */
export function startActionsSql(
  uuids: string[],
  start: ActionStart,
  event: { name: string; host: string | null },
): Prisma.Sql[] {
  const { now } = start;
  return [
    Prisma.sql`
      INSERT INTO instance_actions
        (action, instance_uuid, request_id, user_id, project_id, start_time, created_at, updated_at)
      VALUES ${Prisma.join(
        uuids.map(
          (uuid) =>
            Prisma.sql`(${start.action}, ${uuid}, ${start.requestId}, ${start.userId}, ${start.projectId}, ${now}, ${now}, ${now})`,
        ),
      )}`,
    Prisma.sql`
      INSERT INTO instance_action_events (action_id, event, start_time, host, created_at, updated_at)
      VALUES ${Prisma.join(
        uuids.map(
          (uuid) => Prisma.sql`(
            (SELECT id FROM instance_actions WHERE instance_uuid = ${uuid} AND request_id = ${start.requestId}),
            ${event.name}, ${now}, ${event.host}, ${now}, ${now})`,
        ),
      )}`,
  ];
}

// Events are written with plain INSERT ... VALUES: an INSERT ... SELECT into a table with an
// AUTO_INCREMENT key takes InnoDB's table-level AUTO-INC lock for the whole statement, and under
// concurrent builds that lock deadlocks (MariaDB reports it as error 1467).
async function insertEvents(
  sql: Sql,
  events: { actionId: number; event: string; host: string | null }[],
  now: Date,
): Promise<void> {
  if (events.length === 0) return;
  await sql.$executeRaw(insertEventsSql(events, now));
}

/** Events started now (callers make sure `events` is not empty). */
export const insertEventsSql = (
  events: { actionId: number; event: string; host: string | null }[],
  now: Date,
) => Prisma.sql`
  INSERT INTO instance_action_events (action_id, event, start_time, host, created_at, updated_at)
  VALUES ${Prisma.join(events.map((e) => Prisma.sql`(${e.actionId}, ${e.event}, ${now}, ${e.host}, ${now}, ${now})`))}`;

/**
 * The action a message belongs to: the one its request started on the server; failing that (a
 * periodic task, a compute host acting on its own), the newest unfinished one.
 */
export async function findActionId(
  sql: Sql,
  uuid: string,
  requestId: string,
): Promise<number | null> {
  return firstId(await sql.$queryRaw<{ id: number }[]>(findActionIdSql(uuid, requestId)));
}

/** findActionId's query (for batches); its rows go through `firstId`. */
export const findActionIdSql = (uuid: string, requestId: string) => Prisma.sql`
  (SELECT id, 0 AS pref FROM instance_actions WHERE instance_uuid = ${uuid} AND request_id = ${requestId})
  UNION ALL
  (SELECT id, 1 AS pref FROM instance_actions
    WHERE instance_uuid = ${uuid} AND finish_time IS NULL ORDER BY id DESC LIMIT 1)
  ORDER BY pref LIMIT 1`;

export const firstId = (rows: unknown[]): number | null =>
  (rows[0] as { id: number } | undefined)?.id ?? null;

/** The action `requestId` recorded on the server, if any. */
export async function actionOfRequest(
  sql: Sql,
  uuid: string,
  requestId: string,
): Promise<number | null> {
  const rows = await sql.$queryRaw<{ id: number }[]>`
    SELECT id FROM instance_actions WHERE instance_uuid = ${uuid} AND request_id = ${requestId}`;
  return rows[0]?.id ?? null;
}

/** The server's latest action named `action` (e.g. its "create"). */
export async function latestActionId(
  sql: Sql,
  uuid: string,
  action: string,
): Promise<number | null> {
  const rows = await sql.$queryRaw<{ id: number }[]>`
    SELECT id FROM instance_actions WHERE instance_uuid = ${uuid} AND action = ${action}
     ORDER BY id DESC LIMIT 1`;
  return rows[0]?.id ?? null;
}

/**
 * The server's latest action named `action`, and whether `event` runs on it (for batches); its
 * rows go through `idleLatestAction`.
 */
export const latestActionSql = (uuid: string, action: string, event: string) => Prisma.sql`
  SELECT a.id, (SELECT COUNT(*) FROM instance_action_events e
                 WHERE e.action_id = a.id AND e.event = ${event} AND e.finish_time IS NULL) AS running
    FROM instance_actions a WHERE a.instance_uuid = ${uuid} AND a.action = ${action}
   ORDER BY a.id DESC LIMIT 1`;

/** The action latestActionSql found, if the event does not run on it yet. */
export function idleLatestAction(rows: unknown[]): number | null {
  const latest = rows[0] as { id: number; running: bigint } | undefined;
  return latest && Number(latest.running) === 0 ? latest.id : null;
}

/** Finish the running event of that name on the server's latest action named `action`. */
export const finishLatestEventSql = (
  uuid: string,
  action: string,
  event: string,
  finish: EventFinish,
  now: Date,
) => Prisma.sql`
    UPDATE instance_action_events e
      JOIN (SELECT id FROM instance_actions WHERE instance_uuid = ${uuid} AND action = ${action}
             ORDER BY id DESC LIMIT 1) a ON a.id = e.action_id
       SET e.finish_time = ${now}, e.result = ${finish.result}, e.traceback = ${fitText(finish.traceback)},
           e.details = ${fitText(finish.details)}, e.host = COALESCE(${finish.host ?? null}, e.host),
           e.updated_at = ${now}
     WHERE e.event = ${event} AND e.finish_time IS NULL`;

/** Start an event, unless the same step is already running on this action (a redelivery). */
export async function startEvent(
  sql: Sql,
  actionId: number,
  event: string,
  host: string | null,
  now: Date,
): Promise<void> {
  const running = await sql.$queryRaw<{ id: number }[]>`
    SELECT id FROM instance_action_events
     WHERE action_id = ${actionId} AND event = ${event} AND finish_time IS NULL LIMIT 1`;
  if (running.length === 0) await insertEvents(sql, [{ actionId, event, host }], now);
}

/** TEXT columns hold 65,535 bytes; a longer traceback keeps its end (where the error is). */
function fitText(text: string | null | undefined, maxBytes = 65_535): string | null {
  if (text === null || text === undefined) return null;
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let cut = text.slice(-Math.floor(maxBytes / 4));
  while (Buffer.byteLength(cut) > maxBytes) cut = cut.slice(1);
  return cut;
}

export interface EventFinish {
  result: "Success" | "Error";
  traceback?: string | null;
  details?: string | null;
  host?: string | null;
}

/**
 * Finish the running event of that name. With none running, it is recorded as started and finished
 * now — unless the action has such an event already (another service finished it first), or
 * `record` is false.
 */
export async function finishEvent(
  sql: Sql,
  actionId: number,
  event: string,
  finish: EventFinish,
  now: Date,
  { record = true }: { record?: boolean } = {},
): Promise<void> {
  const n = await sql.$executeRaw(finishEventSql(actionId, event, finish, now));
  if (n === 0 && record) await recordFinishedEvent(sql, actionId, event, finish, now);
}

/** finishEvent's first step (for batches): it changed a row if the event was running. */
export const finishEventSql = (
  actionId: number,
  event: string,
  finish: EventFinish,
  now: Date,
) => Prisma.sql`
  UPDATE instance_action_events
     SET finish_time = ${now}, result = ${finish.result}, traceback = ${fitText(finish.traceback)},
         details = ${fitText(finish.details)}, host = COALESCE(${finish.host ?? null}, host),
         updated_at = ${now}
   WHERE action_id = ${actionId} AND event = ${event} AND finish_time IS NULL
   ORDER BY id DESC LIMIT 1`;

/** finishEvent's second step, when nothing was running: record it as started and finished now. */
export async function recordFinishedEvent(
  sql: Sql,
  actionId: number,
  event: string,
  finish: EventFinish,
  now: Date,
): Promise<void> {
  const seen = await sql.$queryRaw<{ id: number }[]>`
    SELECT id FROM instance_action_events WHERE action_id = ${actionId} AND event = ${event} LIMIT 1`;
  if (seen.length > 0) return;
  await sql.$executeRaw`
    INSERT INTO instance_action_events
      (action_id, event, start_time, finish_time, result, traceback, details, host, created_at, updated_at)
    VALUES (${actionId}, ${event}, ${now}, ${now}, ${finish.result}, ${fitText(finish.traceback)},
            ${fitText(finish.details)}, ${finish.host ?? null}, ${now}, ${now})`;
}

/** An action is over; `failed` marks it as Nova does, with the message "Error". */
export async function finishAction(sql: Sql, actionId: number, now: Date, failed = false) {
  await sql.$executeRaw(finishActionSql(actionId, now, failed));
}

export const finishActionSql = (actionId: number, now: Date, failed = false) => Prisma.sql`
  UPDATE instance_actions
     SET finish_time = COALESCE(finish_time, ${now}), updated_at = ${now},
         message = IF(${failed}, 'Error', message)
   WHERE id = ${actionId}`;

/** An action with its events: by id, or a server's latest action of a name. */
export async function getAction(
  sql: Sql,
  ref: number | { uuid: string; action: string },
): Promise<InstanceAction | null> {
  const [action, events] = getActionSql(ref);
  return actionFromRows(await sql.$queryRaw<unknown[]>(action!), await sql.$queryRaw(events!));
}

/**
 * getAction's two statements (for a batch, or reads sent with a COMMIT); their rows go through
 * actionFromRows. Two single-table reads rather than a join: a join ordered by the event's id
 * sorts through a temporary table, which MariaDB keeps on disk when it holds TEXT columns (the
 * traceback) — a file made and removed for every read, three times a boot.
 */
export function getActionSql(ref: number | { uuid: string; action: string }): Prisma.Sql[] {
  const id =
    typeof ref === "number"
      ? Prisma.sql`${ref}`
      : Prisma.sql`(SELECT MAX(id) FROM instance_actions
                     WHERE instance_uuid = ${ref.uuid} AND action = ${ref.action})`;
  return [
    Prisma.sql`
      SELECT id, action, instance_uuid, request_id, user_id, project_id, start_time, finish_time,
             message, updated_at
        FROM instance_actions WHERE id = ${id}`,
    Prisma.sql`
      SELECT action_id, event, start_time, finish_time, result, traceback, host, details
        FROM instance_action_events WHERE action_id = ${id} ORDER BY id`,
  ];
}

export function actionFromRows(actionRows: unknown[], eventRows: unknown[]): InstanceAction | null {
  const first = actionRows[0] as ActionRow | undefined;
  return first ? toInstanceAction(first, eventRows as EventRow[]) : null;
}

async function eventsOf(sql: Sql, actionIds: number[]): Promise<EventRow[]> {
  if (actionIds.length === 0) return [];
  return sql.$queryRaw<EventRow[]>`
    SELECT action_id, event, start_time, finish_time, result, traceback, host, details
      FROM instance_action_events WHERE action_id IN (${inList(actionIds)}) ORDER BY id`;
}

export interface ActionQuery {
  requestId?: string;
  changesSince?: Date;
  changesBefore?: Date;
  limit?: number;
  /** the request id of the last action of the previous page */
  marker?: string;
}

/** A server's actions, newest first; `marker` not found → "marker". */
export async function listActions(
  sql: Sql,
  uuid: string,
  q: ActionQuery,
): Promise<InstanceAction[] | "marker"> {
  const where: Prisma.Sql[] = [Prisma.sql`a.instance_uuid = ${uuid}`];
  if (q.requestId !== undefined) where.push(Prisma.sql`a.request_id = ${q.requestId}`);
  if (q.changesSince) where.push(Prisma.sql`a.updated_at >= ${q.changesSince}`);
  if (q.changesBefore) where.push(Prisma.sql`a.updated_at <= ${q.changesBefore}`);
  if (q.marker !== undefined) {
    const [m] = await sql.$queryRaw<{ id: number; created_at: Date }[]>`
      SELECT id, created_at FROM instance_actions
       WHERE instance_uuid = ${uuid} AND request_id = ${q.marker}`;
    if (!m) return "marker";
    where.push(
      Prisma.sql`(a.created_at < ${m.created_at} OR (a.created_at = ${m.created_at} AND a.id < ${m.id}))`,
    );
  }
  const actions = await sql.$queryRaw<ActionRow[]>`
    SELECT a.id, a.action, a.instance_uuid, a.request_id, a.user_id, a.project_id, a.start_time,
           a.finish_time, a.message, a.updated_at
      FROM instance_actions a
     WHERE ${Prisma.join(where, " AND ")}
     ORDER BY a.created_at DESC, a.id DESC
     ${q.limit === undefined ? Prisma.empty : Prisma.sql`LIMIT ${q.limit}`}`;
  const events = await eventsOf(
    sql,
    actions.map((a) => a.id),
  );
  return actions.map((a) =>
    toInstanceAction(
      a,
      events.filter((e) => e.action_id === a.id),
    ),
  );
}
