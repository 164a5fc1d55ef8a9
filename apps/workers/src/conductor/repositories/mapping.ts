// Database rows → the models in packages/rpc/src/models, in one place. Rows come from raw SQL
// (snake_case, JSON columns already parsed, tinyint booleans as numbers); every other module sees
// only the models.
import {
  type ActionEvent,
  type FlavorSnapshot,
  type JsonValue,
  type ComputeNode,
  type Image,
  type Instance,
  type InstanceAction,
  type Service,
} from "@nimbus/rpc";
import {
  TASK_STATES,
  VM_STATES,
  type PowerStateValue,
  type TaskState,
  type VmState,
} from "@nimbus/rpc/domain";
import { z } from "zod";

const iso = (d: Date) => d.toISOString();
const isoOrNull = (d: Date | null) => (d ? d.toISOString() : null);

export interface InstanceRow {
  id: number;
  uuid: string;
  display_name: string | null;
  hostname: string | null;
  description: string | null;
  project_id: string;
  user_id: string;
  vm_state: string;
  task_state: string | null;
  power_state: number;
  host: string | null;
  node: string | null;
  availability_zone: string | null;
  flavor: unknown;
  old_flavor: unknown;
  new_flavor: unknown;
  image_ref: string | null;
  key_name: string | null;
  metadata: unknown;
  user_data: string | null;
  locked: number | boolean;
  locked_by: string | null;
  launch_index: number;
  reservation_id: string;
  progress: number | null;
  access_ip_v4: string | null;
  access_ip_v6: string | null;
  created_at: Date;
  updated_at: Date;
  launched_at: Date | null;
  terminated_at: Date | null;
  deleted_at: Date | null;
  deleted: number;
  /** the server group the instance belongs to (subquery) */
  group_uuid: string | null;
  /** the reason given with the latest lock (subquery; null while unlocked) */
  locked_reason: string | null;
  fault_code: number | null;
  fault_message: string | null;
  fault_details: string | null;
  fault_created_at: Date | null;
  /** the request spec (request-spec.ts), null for an instance created without one */
  spec: unknown;
}

/** An instance as the conductor works with it: the model plus the bookkeeping it never shows. */
export interface InstanceRecord {
  id: number;
  deleted: boolean;
  /** who locked it: "owner" | "admin" */
  lockedBy: string | null;
  /** the stored request spec as read (request-spec.ts parses it) */
  spec: unknown;
  instance: Instance;
}

// JSON columns the conductor alone writes, from validated models: read back without a full
// re-validation per row (a page of a thousand servers would spend most of its time there); the bus
// validates every instance against its contract on the way out anyway.
const json = <T>(value: unknown, fallback: T): T =>
  value !== null && typeof value === "object" ? (value as T) : fallback;
const flavorOf = (value: unknown): FlavorSnapshot | null =>
  json<FlavorSnapshot | null>(value, null);

const VM = new Set<string | number>(VM_STATES);
const TASK = new Set<string | number>(TASK_STATES);
const POWER = new Set<string | number>([0, 1, 3, 4, 6, 7]);
function state<T extends string | number>(
  known: Set<string | number>,
  value: string | number,
  what: string,
): T {
  if (!known.has(value)) throw new Error(`unknown ${what} ${value} in the database`);
  return value as T;
}

/** The parts of a stored request spec an instance shows (request-spec.ts). */
function specView(spec: unknown) {
  const s = json<{
    availabilityZone?: unknown;
    image?: { properties?: unknown };
    schedulerHints?: unknown;
  }>(spec, {});
  return {
    availabilityZone: typeof s.availabilityZone === "string" ? s.availabilityZone : null,
    imageProperties: json<Record<string, string>>(s.image?.properties, {}),
    schedulerHints: json<Record<string, JsonValue[]>>(s.schedulerHints, {}),
  };
}

export function toInstanceRecord(row: InstanceRow): InstanceRecord {
  const locked = Boolean(row.locked);
  const spec = specView(row.spec);
  const flavor = flavorOf(row.flavor);
  if (!flavor) throw new Error(`instance ${row.uuid} has no flavor in the database`);
  const instance: Instance = {
    uuid: row.uuid,
    name: row.display_name ?? "",
    hostname: row.hostname ?? "",
    description: row.description,
    projectId: row.project_id,
    userId: row.user_id,
    vmState: state<VmState>(VM, row.vm_state, "vm_state"),
    taskState:
      row.task_state === null ? null : state<TaskState>(TASK, row.task_state, "task_state"),
    powerState: state<PowerStateValue>(POWER, row.power_state, "power_state"),
    host: row.host,
    node: row.node,
    availabilityZone: row.availability_zone,
    flavor,
    oldFlavor: flavorOf(row.old_flavor),
    newFlavor: flavorOf(row.new_flavor),
    imageRef: row.image_ref ?? "",
    keyName: row.key_name,
    metadata: json<Record<string, string>>(row.metadata, {}),
    userData: row.user_data,
    locked,
    lockedReason: locked ? row.locked_reason : null,
    launchIndex: row.launch_index,
    reservationId: row.reservation_id,
    progress: row.progress ?? 0,
    accessIpV4: row.access_ip_v4,
    accessIpV6: row.access_ip_v6,
    serverGroups: row.group_uuid ? [row.group_uuid] : [],
    pinnedAvailabilityZone: spec.availabilityZone,
    imageProperties: spec.imageProperties,
    schedulerHints: spec.schedulerHints,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    launchedAt: isoOrNull(row.launched_at),
    terminatedAt: isoOrNull(row.terminated_at),
    deletedAt: isoOrNull(row.deleted_at),
    fault:
      row.fault_code === null || row.fault_created_at === null
        ? null
        : {
            code: row.fault_code,
            message: row.fault_message ?? "",
            details: row.fault_details,
            createdAt: iso(row.fault_created_at),
          },
  };
  return {
    id: row.id,
    deleted: row.deleted !== 0,
    lockedBy: row.locked_by,
    spec: row.spec,
    instance,
  };
}

export interface ServiceRow {
  id: number;
  uuid: string;
  host: string;
  binary: string;
  topic: string | null;
  disabled: number | boolean;
  disabled_reason: string | null;
  forced_down: number | boolean;
  last_seen_up: Date | null;
  created_at: Date;
  updated_at: Date;
}

export interface Liveness {
  /** Nova's service_down_time, in ms */
  downTimeMs: number;
  now: Date;
  /** the zone compute services are in (others are in Nova's "internal") */
  defaultZone: string;
}

/** Nova's servicegroup DB driver: up while the last report is recent enough, and not forced down. */
export function isServiceUp(
  row: Pick<ServiceRow, "forced_down" | "last_seen_up">,
  { downTimeMs, now }: Pick<Liveness, "downTimeMs" | "now">,
): boolean {
  if (Boolean(row.forced_down) || !row.last_seen_up) return false;
  return now.getTime() - row.last_seen_up.getTime() <= downTimeMs;
}

export function toService(row: ServiceRow, liveness: Liveness): Service {
  return {
    uuid: row.uuid,
    id: row.id,
    host: row.host,
    binary: row.binary,
    topic: row.topic,
    zone: row.binary === "nova-compute" ? liveness.defaultZone : "internal",
    disabled: Boolean(row.disabled),
    disabledReason: row.disabled_reason,
    forcedDown: Boolean(row.forced_down),
    up: isServiceUp(row, liveness),
    lastSeenUp: isoOrNull(row.last_seen_up),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

export interface ComputeNodeRow {
  id: number;
  uuid: string;
  host: string;
  hypervisor_hostname: string;
  hypervisor_type: string;
  hypervisor_version: number;
  host_ip: string | null;
  vcpus: number;
  memory_mb: number;
  local_gb: number;
  vcpus_used: number;
  memory_mb_used: number;
  local_gb_used: number;
  free_disk_gb: number;
  running_vms: number;
  cpu_allocation_ratio: number;
  ram_allocation_ratio: number;
  disk_allocation_ratio: number;
  cpu_info: unknown;
  updated_at: Date;
}

const cpuInfoSchema = z.record(z.string(), z.json());

/** A node joined with its service (columns of the service prefixed `s_`). */
export type NodeWithServiceRow = ComputeNodeRow & {
  [K in keyof ServiceRow as `s_${K}`]: ServiceRow[K];
};

export function toComputeNode(row: NodeWithServiceRow, liveness: Liveness): ComputeNode {
  const service = toService(
    {
      id: row.s_id,
      uuid: row.s_uuid,
      host: row.s_host,
      binary: row.s_binary,
      topic: row.s_topic,
      disabled: row.s_disabled,
      disabled_reason: row.s_disabled_reason,
      forced_down: row.s_forced_down,
      last_seen_up: row.s_last_seen_up,
      created_at: row.s_created_at,
      updated_at: row.s_updated_at,
    },
    liveness,
  );
  const cpuInfo = cpuInfoSchema.safeParse(row.cpu_info ?? {});
  return {
    id: row.id,
    uuid: row.uuid,
    host: row.host,
    hypervisorHostname: row.hypervisor_hostname,
    hypervisorType: row.hypervisor_type,
    hypervisorVersion: row.hypervisor_version,
    hostIp: row.host_ip ?? "",
    vcpus: row.vcpus,
    memoryMb: row.memory_mb,
    localGb: row.local_gb,
    freeDiskGb: row.free_disk_gb,
    cpuInfo: cpuInfo.success ? cpuInfo.data : {},
    cpuAllocationRatio: row.cpu_allocation_ratio,
    ramAllocationRatio: row.ram_allocation_ratio,
    diskAllocationRatio: row.disk_allocation_ratio,
    vcpusUsed: row.vcpus_used,
    memoryMbUsed: row.memory_mb_used,
    localGbUsed: row.local_gb_used,
    runningVms: row.running_vms,
    availabilityZone: liveness.defaultZone,
    service,
    updatedAt: iso(row.updated_at),
  };
}

export interface ActionRow {
  id: number;
  action: string;
  instance_uuid: string;
  request_id: string;
  user_id: string | null;
  project_id: string | null;
  start_time: Date;
  finish_time: Date | null;
  message: string | null;
  updated_at: Date;
}

export interface EventRow {
  action_id: number;
  event: string;
  start_time: Date;
  finish_time: Date | null;
  result: string | null;
  traceback: string | null;
  host: string | null;
  details: string | null;
}

const eventResult = z.enum(["Success", "Error"]).nullable().catch(null);

export function toActionEvent(row: EventRow): ActionEvent {
  return {
    event: row.event,
    startTime: iso(row.start_time),
    finishTime: isoOrNull(row.finish_time),
    result: eventResult.parse(row.result),
    traceback: row.traceback,
    host: row.host,
    details: row.details,
  };
}

export function toInstanceAction(row: ActionRow, events: EventRow[]): InstanceAction {
  return {
    action: row.action,
    instanceUuid: row.instance_uuid,
    requestId: row.request_id,
    userId: row.user_id,
    projectId: row.project_id,
    startTime: iso(row.start_time),
    finishTime: isoOrNull(row.finish_time),
    // The lock action's message holds the lock's reason (see instances.ts); only failures are
    // reported as a message, as Nova does.
    message: row.action === "lock" ? null : row.message,
    updatedAt: iso(row.updated_at),
    events: events.map(toActionEvent),
  };
}

export interface ImageRow {
  id: string;
  name: string | null;
  status: string;
  visibility: string;
  owner: string | null;
  disk_format: string | null;
  container_format: string | null;
  size: bigint | number | null;
  virtual_size: bigint | number | null;
  checksum: string | null;
  os_hash_algo: string | null;
  os_hash_value: string | null;
  min_disk: number;
  min_ram: number;
  protected: number | boolean;
  properties: unknown;
  tags: unknown;
  location: string | null;
  created_at: Date;
  updated_at: Date;
}

const imageStatus = z.enum(["queued", "saving", "active", "killed", "deleted", "pending_delete"]);
const imageVisibility = z.enum(["public", "private", "shared", "community"]);
const stringRecord = z.record(z.string(), z.string());

export function toImage(row: ImageRow): Image {
  const props = z
    .record(z.string(), z.unknown())
    .catch({})
    .parse(row.properties ?? {});
  return {
    id: row.id,
    name: row.name,
    status: imageStatus.parse(row.status),
    visibility: imageVisibility.parse(row.visibility),
    owner: row.owner,
    diskFormat: row.disk_format,
    containerFormat: row.container_format,
    size: row.size === null ? null : Number(row.size),
    virtualSize: row.virtual_size === null ? null : Number(row.virtual_size),
    checksum: row.checksum,
    osHashAlgo: row.os_hash_algo,
    osHashValue: row.os_hash_value,
    minDisk: row.min_disk,
    minRam: row.min_ram,
    protected: Boolean(row.protected),
    // Glance properties are strings; anything else stored by hand is shown as JSON text.
    properties: stringRecord.parse(
      Object.fromEntries(
        Object.entries(props).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
      ),
    ),
    tags: z
      .array(z.string())
      .catch([])
      .parse(row.tags ?? []),
    location: row.location,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}
