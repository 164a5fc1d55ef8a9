// Fake compute nodes and request specs for the scheduler's tests and benchmark.
import { randomUUID } from "node:crypto";
import type { ComputeNode, RequestSpec } from "@nimbus/rpc";
import { HostState } from "./host-state";
import { prepareSpec, type PreparedSpec } from "./request";

export interface NodeOverrides extends Partial<Omit<ComputeNode, "service">> {
  service?: Partial<ComputeNode["service"]>;
}

let nextId = 1;

/** A compute node as conductor.host_states returns it: 4 CPUs, 8 GB, 100 GB, up and enabled. */
export function fakeNode(host: string, overrides: NodeOverrides = {}): ComputeNode {
  const id = overrides.id ?? nextId++;
  const now = "2025-01-01T00:00:00.000Z";
  const { service, ...node } = overrides;
  return {
    id,
    uuid: randomUUID(),
    host,
    hypervisorHostname: host,
    hypervisorType: "QEMU",
    hypervisorVersion: 7_002_000,
    hostIp: "192.0.2.1",
    vcpus: 4,
    memoryMb: 8192,
    localGb: 100,
    freeDiskGb: 100,
    cpuInfo: { arch: "x86_64" },
    cpuAllocationRatio: 1,
    ramAllocationRatio: 1,
    diskAllocationRatio: 1,
    vcpusUsed: 0,
    memoryMbUsed: 0,
    localGbUsed: 0,
    runningVms: 0,
    availabilityZone: "nova",
    updatedAt: now,
    ...node,
    service: {
      uuid: randomUUID(),
      id,
      host,
      binary: "nova-compute",
      topic: "compute",
      zone: "nova",
      disabled: false,
      disabledReason: null,
      forcedDown: false,
      up: true,
      lastSeenUp: now,
      createdAt: now,
      updatedAt: now,
      ...service,
    },
  };
}

export function fakeHost(host: string, overrides: NodeOverrides = {}): HostState {
  return new HostState(fakeNode(host, overrides), 0);
}

export interface SpecOverrides extends Partial<Omit<RequestSpec, "flavor" | "image">> {
  flavor?: Partial<RequestSpec["flavor"]>;
  image?: Partial<RequestSpec["image"]>;
  /** shorthand for instanceUuids: that many fresh uuids */
  count?: number;
}

/** A request for one m1.small-like instance (2 GB, 1 vCPU, 20 GB) with no constraints. */
export function fakeSpec(overrides: SpecOverrides = {}): RequestSpec {
  const { flavor, image, count, ...rest } = overrides;
  return {
    projectId: "p1",
    instanceUuids: Array.from({ length: count ?? 1 }, () => randomUUID()),
    flavor: {
      memoryMb: 2048,
      vcpus: 1,
      rootGb: 20,
      ephemeralGb: 0,
      swap: 0,
      extraSpecs: {},
      ...flavor,
    },
    image: { id: "image-1", properties: {}, ...image },
    availabilityZone: null,
    forceHost: null,
    group: null,
    ignoreHosts: [],
    ...rest,
  };
}

export function prepared(overrides: SpecOverrides = {}): PreparedSpec {
  return prepareSpec(fakeSpec(overrides));
}
