// Compute services and hosts (compute nodes) as the scheduler, the API and the dashboard see them.
import { z } from "zod";
import { hostName, isoDate } from "./common.js";

export const serviceSchema = z.object({
  /** uuid (API ≥ 2.53) */
  uuid: z.uuid(),
  /** integer id (API < 2.53) */
  id: z.number().int(),
  host: hostName,
  binary: z.string().max(255),
  topic: z.string().max(255).nullable(),
  zone: z.string().max(255),
  disabled: z.boolean(),
  disabledReason: z.string().max(255).nullable(),
  forcedDown: z.boolean(),
  /** derived from the last heartbeat and the configured service_down_time */
  up: z.boolean(),
  lastSeenUp: isoDate.nullable(),
  createdAt: isoDate,
  updatedAt: isoDate.nullable(),
});
export type Service = z.infer<typeof serviceSchema>;

/** What a compute host reports about itself (from libvirt and the instance directory). */
export const nodeInventorySchema = z.object({
  hypervisorHostname: hostName,
  hypervisorType: z.string().max(255),
  hypervisorVersion: z.number().int(),
  hostIp: z.string().max(64),
  vcpus: z.number().int().min(0),
  memoryMb: z.number().int().min(0),
  localGb: z.number().int().min(0),
  freeDiskGb: z.number().int(),
  cpuInfo: z.record(z.string(), z.json()),
  cpuAllocationRatio: z.number().positive(),
  ramAllocationRatio: z.number().positive(),
  diskAllocationRatio: z.number().positive(),
});
export type NodeInventory = z.infer<typeof nodeInventorySchema>;

/** A compute node with its usage: what the scheduler filters and weighs, and os-hypervisors shows. */
export const computeNodeSchema = nodeInventorySchema.extend({
  id: z.number().int(),
  uuid: z.uuid(),
  host: hostName,
  vcpusUsed: z.number().int(),
  memoryMbUsed: z.number().int(),
  localGbUsed: z.number().int(),
  runningVms: z.number().int(),
  availabilityZone: z.string().max(255),
  service: serviceSchema,
  updatedAt: isoDate.nullable(),
});
export type ComputeNode = z.infer<typeof computeNodeSchema>;
