// A server and its actions as the dashboard shows them, shared by the tRPC procedures and the live
// relay (src/live) so a pushed update and a fetched row are the same object. What the API keeps for
// admins (host, node, fault details, an event's host and traceback) is left out for everyone else,
// following the same policy table.
import type { Instance, InstanceAction } from "@nimbus/rpc";
import {
  allowed,
  POWER_STATE_NAMES,
  statusFromState,
  type Credentials,
  type PowerStateValue,
} from "@nimbus/rpc/domain";
import { z } from "zod";

export const serverViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  projectId: z.string(),
  userId: z.string(),
  status: z.string(),
  vmState: z.string(),
  taskState: z.string().nullable(),
  powerState: z.number(),
  powerStateName: z.string(),
  imageRef: z.string(),
  flavor: z.object({
    id: z.string(),
    name: z.string(),
    vcpus: z.number(),
    memoryMb: z.number(),
    rootGb: z.number(),
    ephemeralGb: z.number(),
    swap: z.number(),
  }),
  availabilityZone: z.string().nullable(),
  /** admins only */
  host: z.string().nullable(),
  node: z.string().nullable(),
  keyName: z.string().nullable(),
  metadata: z.record(z.string(), z.string()),
  serverGroups: z.array(z.string()),
  locked: z.boolean(),
  lockedReason: z.string().nullable(),
  progress: z.number(),
  fault: z
    .object({
      code: z.number(),
      message: z.string(),
      /** admins, or any fault that is not a 500 (Nova's rule) */
      details: z.string().nullable(),
      createdAt: z.string(),
    })
    .nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  launchedAt: z.string().nullable(),
  deletedAt: z.string().nullable(),
});
export type ServerView = z.infer<typeof serverViewSchema>;

export function serverView(i: Instance, viewer: Credentials): ServerView {
  const hostAttrs = allowed(viewer, "servers:show:host_attributes", i.projectId);
  const admin = allowed(viewer, "servers:instance_actions:events", i.projectId);
  return {
    id: i.uuid,
    name: i.name,
    description: i.description,
    projectId: i.projectId,
    userId: i.userId,
    status: statusFromState(i.vmState, i.taskState),
    vmState: i.vmState,
    taskState: i.taskState,
    powerState: i.powerState,
    powerStateName: POWER_STATE_NAMES[i.powerState as PowerStateValue] ?? "NOSTATE",
    imageRef: i.imageRef,
    flavor: {
      id: i.flavor.id,
      name: i.flavor.name,
      vcpus: i.flavor.vcpus,
      memoryMb: i.flavor.memoryMb,
      rootGb: i.flavor.rootGb,
      ephemeralGb: i.flavor.ephemeralGb,
      swap: i.flavor.swap,
    },
    availabilityZone: i.availabilityZone,
    host: hostAttrs ? i.host : null,
    node: hostAttrs ? i.node : null,
    keyName: i.keyName,
    metadata: i.metadata,
    serverGroups: i.serverGroups,
    locked: i.locked,
    lockedReason: i.lockedReason,
    progress: i.progress,
    fault: i.fault && {
      code: i.fault.code,
      message: i.fault.message,
      details: admin || i.fault.code !== 500 ? i.fault.details : null,
      createdAt: i.fault.createdAt,
    },
    createdAt: i.createdAt,
    updatedAt: i.updatedAt,
    launchedAt: i.launchedAt,
    deletedAt: i.deletedAt,
  };
}

export const actionEventViewSchema = z.object({
  event: z.string(),
  startTime: z.string(),
  finishTime: z.string().nullable(),
  result: z.string().nullable(),
  /** admins only */
  host: z.string().nullable(),
  traceback: z.string().nullable(),
  /** the scheduler's explanation (JSON) on a scheduling event, when the policy shows it */
  details: z.string().nullable(),
});

export const actionViewSchema = z.object({
  instanceId: z.string(),
  /** set on live events and the task drawer */
  instanceName: z.string().nullable(),
  action: z.string(),
  requestId: z.string(),
  userId: z.string().nullable(),
  projectId: z.string().nullable(),
  startTime: z.string(),
  finishTime: z.string().nullable(),
  message: z.string().nullable(),
  updatedAt: z.string().nullable(),
  events: z.array(actionEventViewSchema),
});
export type ActionView = z.infer<typeof actionViewSchema>;

export function actionView(
  a: InstanceAction,
  viewer: Credentials,
  instanceName: string | null = null,
): ActionView {
  const target = a.projectId ?? undefined;
  const admin = allowed(viewer, "servers:instance_actions:events", target);
  const details = allowed(viewer, "servers:instance_actions:events:details", target);
  return {
    instanceId: a.instanceUuid,
    instanceName,
    action: a.action,
    requestId: a.requestId,
    userId: a.userId,
    projectId: a.projectId,
    startTime: a.startTime,
    finishTime: a.finishTime,
    message: a.message,
    updatedAt: a.updatedAt,
    events: a.events.map((e) => ({
      event: e.event,
      startTime: e.startTime,
      finishTime: e.finishTime,
      result: e.result,
      host: admin ? e.host : null,
      traceback: admin ? e.traceback : null,
      details: details ? e.details : null,
    })),
  };
}
