// Instances: reads, the batched inserts of a create, and the guarded writes the state machine is
// made of.
//
// A server is shown with what its request spec knows (the zone asked for, the image's properties,
// the hints), its group, its latest fault and its lock reason. One server is read in one round trip
// (correlated subqueries); many are read as their rows plus one batched query per side table, which
// stays cheap for a page of a thousand. The lock reason has no column of its own: it is the message
// of the instance's latest "lock" action (mapping.ts hides that message from the action list).
import type { FlavorSnapshot, Instance, InstanceFault } from "@nimbus/rpc";
import type { PowerStateValue, TaskState, VmState } from "@nimbus/rpc/domain";
import { inList, Prisma, type Sql, type Tx } from "./db";
import { toInstanceRecord, type InstanceRecord, type InstanceRow } from "./mapping";

const COLUMNS = Prisma.sql`
  i.id, i.uuid, i.display_name, i.hostname, i.description, i.project_id, i.user_id,
  i.vm_state, i.task_state, i.power_state, i.host, i.node, i.availability_zone, i.flavor,
  i.old_flavor, i.new_flavor, i.image_ref, i.key_name, i.metadata, i.user_data, i.locked,
  i.locked_by, i.launch_index, i.reservation_id, i.progress, i.access_ip_v4, i.access_ip_v6,
  i.created_at, i.updated_at, i.launched_at, i.terminated_at, i.deleted_at, i.deleted, r.spec`;

const SELECT_ONE = Prisma.sql`
  SELECT ${COLUMNS},
         (SELECT g.uuid FROM server_group_members m JOIN server_groups g ON g.id = m.group_id
           WHERE m.instance_uuid = i.uuid) AS group_uuid,
         IF(i.locked, (SELECT a.message FROM instance_actions a
                        WHERE a.instance_uuid = i.uuid AND a.action = 'lock'
                        ORDER BY a.id DESC LIMIT 1), NULL) AS locked_reason,
         f.code AS fault_code, f.message AS fault_message, f.details AS fault_details,
         f.created_at AS fault_created_at
    FROM instances i
    LEFT JOIN request_specs r ON r.instance_uuid = i.uuid
    LEFT JOIN instance_faults f
      ON f.id = (SELECT MAX(x.id) FROM instance_faults x WHERE x.instance_uuid = i.uuid)`;

/** Many servers: their rows here, then `complete` (callers add WHERE / ORDER BY on `i`). */
export const SELECT_MANY = Prisma.sql`
  SELECT ${COLUMNS} FROM instances i LEFT JOIN request_specs r ON r.instance_uuid = i.uuid`;

export type BaseRow = Omit<
  InstanceRow,
  | "group_uuid"
  | "locked_reason"
  | "fault_code"
  | "fault_message"
  | "fault_details"
  | "fault_created_at"
>;

/** Rows of SELECT_MANY completed with their groups, faults and lock reasons: three queries in all. */
export async function complete(sql: Sql, rows: BaseRow[]): Promise<InstanceRecord[]> {
  if (rows.length === 0) return [];
  const uuids = inList(rows.map((r) => r.uuid));
  const locked = rows.filter((r) => r.locked).map((r) => r.uuid);
  const [groups, faults, reasons] = await Promise.all([
    sql.$queryRaw<{ instance_uuid: string; uuid: string }[]>`
      SELECT m.instance_uuid, g.uuid FROM server_group_members m JOIN server_groups g ON g.id = m.group_id
       WHERE m.instance_uuid IN (${uuids})`,
    sql.$queryRaw<
      {
        instance_uuid: string;
        code: number;
        message: string;
        details: string | null;
        created_at: Date;
      }[]
    >`
      SELECT f.instance_uuid, f.code, f.message, f.details, f.created_at FROM instance_faults f
        JOIN (SELECT MAX(id) AS id FROM instance_faults WHERE instance_uuid IN (${uuids})
               GROUP BY instance_uuid) latest ON latest.id = f.id`,
    locked.length === 0
      ? []
      : sql.$queryRaw<{ instance_uuid: string; message: string | null }[]>`
          SELECT a.instance_uuid, a.message FROM instance_actions a
            JOIN (SELECT MAX(id) AS id FROM instance_actions
                   WHERE action = 'lock' AND instance_uuid IN (${inList(locked)})
                   GROUP BY instance_uuid) latest ON latest.id = a.id`,
  ]);
  const group = new Map(groups.map((g) => [g.instance_uuid, g.uuid]));
  const fault = new Map(faults.map((f) => [f.instance_uuid, f]));
  const reason = new Map(reasons.map((r) => [r.instance_uuid, r.message]));
  return rows.map((row) => {
    const f = fault.get(row.uuid);
    return toInstanceRecord({
      ...row,
      group_uuid: group.get(row.uuid) ?? null,
      locked_reason: reason.get(row.uuid) ?? null,
      fault_code: f?.code ?? null,
      fault_message: f?.message ?? null,
      fault_details: f?.details ?? null,
      fault_created_at: f?.created_at ?? null,
    });
  });
}

export interface Scope {
  /** null: any project */
  projectId: string | null;
  /** also soft-deleted instances */
  withDeleted?: boolean;
}

/** The query getInstance runs (for batches); its rows go through `firstRecord`. */
export const getInstanceSql = (uuid: string, scope: Scope = { projectId: null }) => Prisma.sql`
  ${SELECT_ONE}
   WHERE i.uuid = ${uuid}
     ${scope.projectId === null ? Prisma.empty : Prisma.sql`AND i.project_id = ${scope.projectId}`}
     ${scope.withDeleted ? Prisma.empty : Prisma.sql`AND i.deleted = 0`}`;

/** The query lockInstance runs (for batches in a transaction); its rows go through `firstRecord`. */
export const lockInstanceSql = (uuid: string) => Prisma.sql`
  ${SELECT_ONE} WHERE i.uuid = ${uuid} AND i.deleted = 0 FOR UPDATE`;

export const firstRecord = (rows: unknown[]): InstanceRecord | null =>
  rows[0] ? toInstanceRecord(rows[0] as InstanceRow) : null;

export async function getInstance(
  sql: Sql,
  uuid: string,
  scope: Scope = { projectId: null },
): Promise<InstanceRecord | null> {
  return firstRecord(await sql.$queryRaw<InstanceRow[]>(getInstanceSql(uuid, scope)));
}

export async function getInstancesByUuid(sql: Sql, uuids: string[]): Promise<InstanceRecord[]> {
  if (uuids.length === 0) return [];
  if (uuids.length === 1) {
    const one = await getInstance(sql, uuids[0]!, { projectId: null, withDeleted: true });
    return one ? [one] : [];
  }
  return complete(
    sql,
    await sql.$queryRaw<BaseRow[]>`${SELECT_MANY} WHERE i.uuid IN (${inList(uuids)})`,
  );
}

export async function getByReservation(
  sql: Sql,
  reservationId: string,
  projectId: string,
): Promise<InstanceRecord[]> {
  const rows = await sql.$queryRaw<BaseRow[]>`${SELECT_MANY}
    WHERE i.reservation_id = ${reservationId} AND i.project_id = ${projectId}
    ORDER BY i.launch_index`;
  return complete(sql, rows);
}

/** Live instances on a host, and the uuids of the ones deleted since `deletedSince`. */
export async function instancesOnHost(
  sql: Sql,
  host: string,
  deletedSince: Date,
): Promise<{ live: InstanceRecord[]; deletedUuids: string[] }> {
  const [rows, deleted] = await Promise.all([
    sql.$queryRaw<BaseRow[]>`${SELECT_MANY} WHERE i.host = ${host} AND i.deleted = 0 ORDER BY i.id`,
    sql.$queryRaw<{ uuid: string }[]>`
      SELECT uuid FROM instances
       WHERE host = ${host} AND deleted <> 0 AND deleted_at >= ${deletedSince}`,
  ]);
  return { live: await complete(sql, rows), deletedUuids: deleted.map((r) => r.uuid) };
}

export interface NewInstance {
  uuid: string;
  projectId: string;
  userId: string;
  displayName: string;
  hostname: string;
  description: string | null;
  flavor: FlavorSnapshot;
  imageRef: string;
  availabilityZone: string | null;
  metadata: Record<string, string>;
  keyName: string | null;
  keyData: string | null;
  userData: string | null;
  launchIndex: number;
  reservationId: string;
  accessIpV4: string | null;
  accessIpV6: string | null;
  createdAt: Date;
}

/** The record insertInstances writes for `n` (so a create can answer without reading it back). */
export function newInstanceRecord(
  n: NewInstance,
  spec: unknown,
  groupUuid: string | null,
): InstanceRecord {
  return toInstanceRecord({
    id: 0,
    uuid: n.uuid,
    display_name: n.displayName,
    hostname: n.hostname,
    description: n.description,
    project_id: n.projectId,
    user_id: n.userId,
    vm_state: "building",
    task_state: "scheduling",
    power_state: 0,
    host: null,
    node: null,
    availability_zone: n.availabilityZone,
    flavor: n.flavor,
    old_flavor: null,
    new_flavor: null,
    image_ref: n.imageRef,
    key_name: n.keyName,
    metadata: n.metadata,
    user_data: n.userData,
    locked: false,
    locked_by: null,
    launch_index: n.launchIndex,
    reservation_id: n.reservationId,
    progress: 0,
    access_ip_v4: n.accessIpV4,
    access_ip_v6: n.accessIpV6,
    created_at: n.createdAt,
    updated_at: n.createdAt,
    launched_at: null,
    terminated_at: null,
    deleted_at: null,
    deleted: 0,
    spec,
    group_uuid: groupUuid,
    locked_reason: null,
    fault_code: null,
    fault_message: null,
    fault_details: null,
    fault_created_at: null,
  });
}

export async function insertInstances(tx: Tx, instances: NewInstance[]): Promise<void> {
  await tx.$executeRaw(insertInstancesSql(instances));
}

export function insertInstancesSql(instances: NewInstance[]): Prisma.Sql {
  const values = instances.map(
    (i) => Prisma.sql`(
      ${i.uuid}, ${i.projectId}, ${i.userId}, ${i.displayName}, ${i.hostname}, ${i.description},
      ${JSON.stringify(i.flavor)}, ${i.flavor.memoryMb}, ${i.flavor.vcpus}, ${i.flavor.rootGb},
      ${i.flavor.ephemeralGb}, ${i.imageRef}, ${i.availabilityZone}, 'building', 'scheduling', 0,
      ${JSON.stringify(i.metadata)}, ${i.keyName}, ${i.keyData}, ${i.userData}, ${i.launchIndex},
      ${i.reservationId}, 0, ${i.accessIpV4}, ${i.accessIpV6}, ${i.createdAt}, ${i.createdAt})`,
  );
  return Prisma.sql`
    INSERT INTO instances
      (uuid, project_id, user_id, display_name, hostname, description, flavor, memory_mb, vcpus,
       root_gb, ephemeral_gb, image_ref, availability_zone, vm_state, task_state, power_state,
       metadata, key_name, key_data, user_data, launch_index, reservation_id, progress,
       access_ip_v4, access_ip_v6, created_at, updated_at)
    VALUES ${Prisma.join(values)}`;
}

/** The columns a state change may set. `undefined` leaves a column alone. */
export interface InstanceChanges {
  vmState?: VmState;
  taskState?: TaskState | null;
  powerState?: PowerStateValue;
  launchedAt?: Date;
  terminatedAt?: Date;
  node?: string | null;
  host?: string | null;
  progress?: number;
  locked?: boolean;
  lockedBy?: string | null;
  displayName?: string;
  description?: string | null;
  hostname?: string;
  accessIpV4?: string | null;
  accessIpV6?: string | null;
  availabilityZone?: string | null;
  flavor?: FlavorSnapshot;
  oldFlavor?: FlavorSnapshot | null;
  newFlavor?: FlavorSnapshot | null;
  /** the vcpus / memory_mb / root_gb / ephemeral_gb columns (what quota counts) */
  size?: { vcpus: number; memoryMb: number; rootGb: number; ephemeralGb: number };
}

const json = (v: unknown) => (v === null ? null : JSON.stringify(v));

function setClause(changes: InstanceChanges, now: Date): Prisma.Sql {
  const sets: Prisma.Sql[] = [Prisma.sql`updated_at = ${now}`];
  const col = (name: string, value: unknown) =>
    sets.push(Prisma.sql`${Prisma.raw(name)} = ${value}`);
  if (changes.vmState !== undefined) col("vm_state", changes.vmState);
  if (changes.taskState !== undefined) col("task_state", changes.taskState);
  if (changes.powerState !== undefined) col("power_state", changes.powerState);
  if (changes.launchedAt !== undefined) col("launched_at", changes.launchedAt);
  if (changes.terminatedAt !== undefined) col("terminated_at", changes.terminatedAt);
  if (changes.node !== undefined) col("node", changes.node);
  if (changes.host !== undefined) col("host", changes.host);
  if (changes.progress !== undefined) col("progress", changes.progress);
  if (changes.locked !== undefined) col("locked", changes.locked);
  if (changes.lockedBy !== undefined) col("locked_by", changes.lockedBy);
  if (changes.displayName !== undefined) col("display_name", changes.displayName);
  if (changes.description !== undefined) col("description", changes.description);
  if (changes.hostname !== undefined) col("hostname", changes.hostname);
  if (changes.accessIpV4 !== undefined) col("access_ip_v4", changes.accessIpV4);
  if (changes.accessIpV6 !== undefined) col("access_ip_v6", changes.accessIpV6);
  if (changes.availabilityZone !== undefined) col("availability_zone", changes.availabilityZone);
  if (changes.flavor !== undefined) col("flavor", json(changes.flavor));
  if (changes.oldFlavor !== undefined) col("old_flavor", json(changes.oldFlavor));
  if (changes.newFlavor !== undefined) col("new_flavor", json(changes.newFlavor));
  if (changes.size !== undefined) {
    col("vcpus", changes.size.vcpus);
    col("memory_mb", changes.size.memoryMb);
    col("root_gb", changes.size.rootGb);
    col("ephemeral_gb", changes.size.ephemeralGb);
  }
  return Prisma.join(sets, ", ");
}

/** The instance model after `changes` were written at `now` (what a read would return). */
export function applyChanges(
  instance: Instance,
  changes: InstanceChanges,
  now: Date,
  fault?: Omit<InstanceFault, "createdAt">,
): Instance {
  const next: Instance = { ...instance, updatedAt: now.toISOString() };
  const set = <K extends keyof Instance>(key: K, value: Instance[K] | undefined) => {
    if (value !== undefined) next[key] = value;
  };
  set("vmState", changes.vmState);
  set("taskState", changes.taskState);
  set("powerState", changes.powerState);
  set("launchedAt", changes.launchedAt?.toISOString());
  set("terminatedAt", changes.terminatedAt?.toISOString());
  set("node", changes.node);
  set("host", changes.host);
  set("progress", changes.progress);
  set("locked", changes.locked);
  set("name", changes.displayName);
  set("description", changes.description);
  set("hostname", changes.hostname);
  set("accessIpV4", changes.accessIpV4);
  set("accessIpV6", changes.accessIpV6);
  set("availabilityZone", changes.availabilityZone);
  set("flavor", changes.flavor);
  set("oldFlavor", changes.oldFlavor);
  set("newFlavor", changes.newFlavor);
  if (fault) next.fault = { ...fault, createdAt: now.toISOString() };
  return next;
}

export interface Guard {
  /** the update applies only while the task state is one of these */
  taskStates?: readonly (TaskState | null)[];
  vmStates?: readonly VmState[];
  host?: string | null;
  powerState?: number;
}

function guardClause(guard: Guard): Prisma.Sql {
  const parts: Prisma.Sql[] = [];
  if (guard.taskStates) {
    const named = guard.taskStates.filter((t): t is TaskState => t !== null);
    const alternatives: Prisma.Sql[] = [];
    if (named.length) alternatives.push(Prisma.sql`task_state IN (${inList(named)})`);
    if (named.length < guard.taskStates.length) alternatives.push(Prisma.sql`task_state IS NULL`);
    parts.push(Prisma.sql`(${Prisma.join(alternatives, " OR ")})`);
  }
  if (guard.vmStates) parts.push(Prisma.sql`vm_state IN (${inList(guard.vmStates)})`);
  if (guard.host !== undefined) {
    parts.push(guard.host === null ? Prisma.sql`host IS NULL` : Prisma.sql`host = ${guard.host}`);
  }
  if (guard.powerState !== undefined) parts.push(Prisma.sql`power_state = ${guard.powerState}`);
  return parts.length ? Prisma.sql`AND ${Prisma.join(parts, " AND ")}` : Prisma.empty;
}

/**
 * Compare-and-swap: apply `changes` to a live instance only while `guard` holds.
 * Returns whether it applied.
 */
export async function updateInstance(
  sql: Sql,
  uuid: string,
  guard: Guard,
  changes: InstanceChanges,
  now: Date,
): Promise<boolean> {
  return (await sql.$executeRaw(updateInstanceSql(uuid, guard, changes, now))) === 1;
}

/** updateInstance's statement (for batches): it changed one row if the guard held. */
export const updateInstanceSql = (
  uuid: string,
  guard: Guard,
  changes: InstanceChanges,
  now: Date,
) => Prisma.sql`
  UPDATE instances SET ${setClause(changes, now)}
   WHERE uuid = ${uuid} AND deleted = 0 ${guardClause(guard)}`;

/** Read a live instance and lock its row for the rest of the transaction. */
export async function lockInstance(tx: Tx, uuid: string): Promise<InstanceRecord | null> {
  // Locks the instance's row (and its request spec's and latest fault's, which only the holder of
  // the instance's lock writes anyway).
  return firstRecord(await tx.$queryRaw<InstanceRow[]>(lockInstanceSql(uuid)));
}

/** Nova's soft delete: the row stays (for os-instance-actions and changes-since) with deleted = id. */
export async function softDelete(tx: Tx, uuid: string, now: Date): Promise<boolean> {
  const n = await tx.$executeRaw`
    UPDATE instances
       SET deleted = id, deleted_at = ${now}, terminated_at = ${now}, updated_at = ${now},
           vm_state = 'deleted', task_state = NULL, power_state = 0
     WHERE uuid = ${uuid} AND deleted = 0`;
  return n === 1;
}

export async function addFault(
  sql: Sql,
  uuid: string,
  fault: Omit<InstanceFault, "createdAt">,
  host: string | null,
  now: Date,
): Promise<void> {
  await sql.$executeRaw(addFaultSql(uuid, fault, host, now));
}

export const addFaultSql = (
  uuid: string,
  fault: Omit<InstanceFault, "createdAt">,
  host: string | null,
  now: Date,
) => Prisma.sql`
  INSERT INTO instance_faults (instance_uuid, code, message, details, host, created_at)
  VALUES (${uuid}, ${fault.code}, ${fault.message}, ${fault.details}, ${host}, ${now})`;

/** Power states of a host's instances that have no task running (the sync may act on those). */
export async function idleInstancesOnHost(
  sql: Sql,
  host: string,
  uuids: string[],
): Promise<{ uuid: string; vmState: string; powerState: number }[]> {
  if (uuids.length === 0) return [];
  const rows = await sql.$queryRaw<{ uuid: string; vm_state: string; power_state: number }[]>`
    SELECT uuid, vm_state, power_state FROM instances
     WHERE host = ${host} AND deleted = 0 AND task_state IS NULL AND uuid IN (${inList(uuids)})`;
  return rows.map((r) => ({ uuid: r.uuid, vmState: r.vm_state, powerState: r.power_state }));
}

/** Builds still waiting for a host since before `before` (their schedule_and_build was lost). */
export async function unplacedBuildsSince(
  sql: Sql,
  before: Date,
  limit: number,
): Promise<string[]> {
  const rows = await sql.$queryRaw<{ uuid: string }[]>`
    SELECT uuid FROM instances
     WHERE vm_state = 'building' AND task_state = 'scheduling' AND host IS NULL AND deleted = 0
       AND updated_at < ${before}
     ORDER BY id LIMIT ${limit}`;
  return rows.map((r) => r.uuid);
}

export async function touchInstances(sql: Sql, uuids: string[], now: Date): Promise<void> {
  if (uuids.length === 0) return;
  await sql.$executeRaw`UPDATE instances SET updated_at = ${now} WHERE uuid IN (${inList(uuids)})`;
}

/** Live instances on any of `hosts` in a vm/task state, unchanged since before `before`. */
export async function instancesOnHosts(
  sql: Sql,
  hosts: string[],
  where: { vmState?: VmState; taskState?: TaskState; before: Date },
): Promise<{ uuid: string; host: string }[]> {
  if (hosts.length === 0) return [];
  return sql.$queryRaw<{ uuid: string; host: string }[]>`
    SELECT uuid, host FROM instances
     WHERE host IN (${inList(hosts)}) AND deleted = 0 AND updated_at < ${where.before}
       ${where.vmState === undefined ? Prisma.empty : Prisma.sql`AND vm_state = ${where.vmState}`}
       ${where.taskState === undefined ? Prisma.empty : Prisma.sql`AND task_state = ${where.taskState}`}
     ORDER BY id LIMIT 1000`;
}
