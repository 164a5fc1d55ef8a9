// Models for tests, each checked against its schema so a fixture can never drift from the contract.
import { randomUUID } from "node:crypto";
import {
  computeNodeSchema,
  imageSchema,
  instanceActionSchema,
  instanceSchema,
  serviceSchema,
  type ComputeNode,
  type Image,
  type Instance,
  type InstanceAction,
  type Service,
} from "@nimbus/rpc";

const T0 = "2026-01-02T03:04:05.678Z";

export function anInstance(overrides: Partial<Instance> = {}): Instance {
  return instanceSchema.parse({
    uuid: randomUUID(),
    name: "web-1",
    hostname: "web-1",
    description: null,
    projectId: "p1",
    userId: "alice",
    vmState: "active",
    taskState: null,
    powerState: 1,
    host: "compute-a",
    node: "compute-a",
    availabilityZone: "nova",
    flavor: {
      id: "1",
      name: "m1.tiny",
      memoryMb: 512,
      vcpus: 1,
      rootGb: 1,
      ephemeralGb: 0,
      swap: 0,
      extraSpecs: { "hw:cpu_policy": "shared" },
    },
    oldFlavor: null,
    newFlavor: null,
    imageRef: "70a599e0-31e7-49b7-b260-868f441e862b",
    keyName: null,
    metadata: { role: "web" },
    userData: null,
    locked: false,
    lockedReason: null,
    launchIndex: 0,
    reservationId: "r-abc123",
    progress: 0,
    accessIpV4: null,
    accessIpV6: null,
    serverGroups: [],
    pinnedAvailabilityZone: null,
    imageProperties: { architecture: "x86_64" },
    schedulerHints: {},
    createdAt: T0,
    updatedAt: T0,
    launchedAt: T0,
    terminatedAt: null,
    deletedAt: null,
    fault: null,
    ...overrides,
  });
}

export function aService(overrides: Partial<Service> = {}): Service {
  return serviceSchema.parse({
    uuid: randomUUID(),
    id: 7,
    host: "compute-a",
    binary: "nova-compute",
    topic: "compute",
    zone: "nova",
    disabled: false,
    disabledReason: null,
    forcedDown: false,
    up: true,
    lastSeenUp: T0,
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  });
}

export function aComputeNode(
  overrides: Partial<ComputeNode> = {},
  service: Partial<Service> = {},
): ComputeNode {
  return computeNodeSchema.parse({
    hypervisorHostname: "compute-a",
    hypervisorType: "QEMU",
    hypervisorVersion: 7002000,
    hostIp: "192.0.2.10",
    vcpus: 2,
    memoryMb: 8192,
    localGb: 100,
    freeDiskGb: 80,
    cpuInfo: { arch: "x86_64", model: "qemu64", topology: { sockets: 1, cores: 2, threads: 1 } },
    cpuAllocationRatio: 16,
    ramAllocationRatio: 1.5,
    diskAllocationRatio: 1,
    id: 3,
    uuid: randomUUID(),
    host: "compute-a",
    vcpusUsed: 1,
    memoryMbUsed: 512,
    localGbUsed: 1,
    runningVms: 1,
    availabilityZone: "nova",
    service: aService(service),
    updatedAt: T0,
    ...overrides,
  });
}

export function anImage(overrides: Partial<Image> = {}): Image {
  return imageSchema.parse({
    id: randomUUID(),
    name: "tiny-linux",
    status: "active",
    visibility: "public",
    owner: null,
    diskFormat: "qcow2",
    containerFormat: "bare",
    size: 16,
    virtualSize: 41943040,
    checksum: "0123456789abcdef0123456789abcdef",
    osHashAlgo: "sha512",
    osHashValue: "ab".repeat(64),
    minDisk: 0,
    minRam: 0,
    protected: false,
    properties: { architecture: "x86_64", hypervisor_type: "qemu" },
    tags: [],
    location: null,
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  });
}

export function anAction(overrides: Partial<InstanceAction> = {}): InstanceAction {
  return instanceActionSchema.parse({
    action: "create",
    instanceUuid: randomUUID(),
    requestId: `req-${randomUUID()}`,
    userId: "alice",
    projectId: "p1",
    startTime: T0,
    finishTime: T0,
    message: null,
    updatedAt: T0,
    events: [
      {
        event: "conductor_schedule_and_build_instances",
        startTime: T0,
        finishTime: T0,
        result: "Success",
        traceback: null,
        host: "conductor-1",
        details: '{"hostsConsidered":2}',
      },
    ],
    ...overrides,
  });
}
