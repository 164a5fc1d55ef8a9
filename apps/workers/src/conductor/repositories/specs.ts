// Request specs: what each build asked the scheduler for, and how far it got (request-spec.ts).
import type { StoredSpec } from "../request-spec";
import { Prisma, type Sql, type Tx } from "./db";

export async function insertSpecs(tx: Tx, specs: { uuid: string; spec: StoredSpec }[], now: Date) {
  await tx.$executeRaw(insertSpecsSql(specs, now));
}

export const insertSpecsSql = (specs: { uuid: string; spec: StoredSpec }[], now: Date) =>
  Prisma.sql`
    INSERT INTO request_specs (instance_uuid, spec, created_at, updated_at)
    VALUES ${Prisma.join(specs.map((s) => Prisma.sql`(${s.uuid}, ${JSON.stringify(s.spec)}, ${now}, ${now})`))}`;

export async function saveSpec(sql: Sql, uuid: string, spec: StoredSpec, now: Date): Promise<void> {
  await sql.$executeRaw`
    UPDATE request_specs SET spec = ${JSON.stringify(spec)}, updated_at = ${now}
     WHERE instance_uuid = ${uuid}`;
}

/**
 * Move a placed but not yet started build to a new attempt number, so that whichever build message
 * still names the old one is dropped by start_build. Applies only while the instance is still
 * waiting on `host` at attempt `from`.
 */
export async function bumpAttempt(
  sql: Sql,
  uuid: string,
  host: string,
  from: number,
  now: Date,
): Promise<boolean> {
  const n = await sql.$executeRaw`
    UPDATE request_specs r JOIN instances i ON i.uuid = r.instance_uuid
       SET r.spec = JSON_SET(r.spec, '$.attempt', ${from + 1}), r.updated_at = ${now},
           i.updated_at = ${now}
     WHERE r.instance_uuid = ${uuid} AND i.deleted = 0 AND i.host = ${host}
       AND i.vm_state = 'building' AND i.task_state = 'scheduling'
       AND JSON_VALUE(r.spec, '$.attempt') = ${from}`;
  return n > 0;
}

/**
 * start_build's compare-and-swap: scheduling → spawning, only while the instance is live, on
 * `host`, and at build attempt `attempt` (it changed a row if it applied).
 */
export const takeBuildSql = (uuid: string, host: string, attempt: number, now: Date) => Prisma.sql`
  UPDATE instances i JOIN request_specs r ON r.instance_uuid = i.uuid
     SET i.task_state = 'spawning', i.updated_at = ${now}
   WHERE i.uuid = ${uuid} AND i.deleted = 0 AND i.host = ${host}
     AND i.vm_state = 'building' AND i.task_state = 'scheduling'
     AND JSON_VALUE(r.spec, '$.attempt') = ${attempt}`;
