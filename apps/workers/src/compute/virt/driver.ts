// The hypervisor driver interface the compute manager programs against, and the types it speaks.
// Nova's equivalent is nova/virt/driver.py (ComputeDriver); libvirt-driver.ts implements it.
import { z } from "zod";

/**
 * Nova's power states (nova/compute/power_state.py), the same numbers as `PowerState` in
 * packages/rpc/src/domain/states.ts. 2 and 5 are unused there too.
 */
export const PowerState = {
  NOSTATE: 0,
  RUNNING: 1,
  PAUSED: 3,
  SHUTDOWN: 4,
  CRASHED: 6,
  SUSPENDED: 7,
} as const;
export type PowerState = (typeof PowerState)[keyof typeof PowerState];

/** Glance image ids become file names in the image cache: keep them to a safe alphabet. */
const imageIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, "image id must be a plain file-name-safe token");

/** Instance uuids become domain names and directory names; libvirt reports them in lower case. */
export const instanceUuidSchema = z.guid().transform((u) => u.toLowerCase());

export const imageRefSchema = z.object({
  id: imageIdSchema,
  /** Glance `checksum`: the md5 of the image data. */
  checksum: z
    .string()
    .regex(/^[0-9a-fA-F]{32}$/, "checksum must be an md5 hex digest")
    .optional(),
  /** Glance `os_hash_value` (os_hash_algo sha512). */
  osHashValue: z
    .string()
    .regex(/^[0-9a-fA-F]{128}$/, "osHashValue must be a sha512 hex digest")
    .optional(),
  /** Glance `disk_format`; the image cache says which ones it can use. */
  diskFormat: z.string().min(1),
});
export type ImageRef = z.infer<typeof imageRefSchema>;

const count = z.int().nonnegative();

export const instanceSpecSchema = z.object({
  uuid: instanceUuidSchema,
  /** The display name, kept in the domain's metadata (the domain itself is `instance-<uuid>`). */
  name: z.string().max(255),
  flavor: z.object({
    name: z.string().min(1).max(255),
    memoryMb: z.int().positive(),
    vcpus: z.int().positive(),
    /** 0 means "as large as the image", as in Nova. */
    rootGb: count,
    ephemeralGb: count,
    swap: count,
  }),
  image: imageRefSchema,
  metadata: z.object({ projectId: z.string().min(1).max(255), userId: z.string().min(1).max(255) }),
});
export type InstanceSpec = z.input<typeof instanceSpecSchema>;
export type ParsedInstanceSpec = z.output<typeof instanceSpecSchema>;

/** Nova's `cpu_info` of a compute node (a JSON object). */
export interface CpuInfo {
  arch: string;
  /** Absent when libvirt names no CPU model (the test hypervisor). */
  model?: string;
  vendor?: string;
  topology: { cells: number; sockets: number; cores: number; threads: number };
  features: string[];
}

export interface HostInfo {
  vcpus: number;
  memoryMb: number;
  /** Size and free space of the file system holding the instances directory. */
  localGb: number;
  freeDiskGb: number;
  /** "QEMU" for qemu and kvm (as Nova reports both), "test" for libvirt's test hypervisor. */
  hypervisorType: "QEMU" | "test";
  /** major * 1,000,000 + minor * 1,000 + micro, as Nova reports it (QEMU 7.2.0 → 7002000). */
  hypervisorVersion: number;
  hypervisorHostname: string;
  hostIp: string;
  cpuInfo: CpuInfo;
}

export type RebootType = "SOFT" | "HARD";

/**
 * What went wrong, for the manager to decide (retry, reschedule, fault message):
 * NOT_FOUND – no domain for that uuid; INVALID_STATE – the domain is in a state the operation does
 * not apply to; INVALID_ARGUMENT – a malformed uuid or spec; IMAGE – the image could not be fetched,
 * verified or converted; FAILED – libvirt or qemu-img failed.
 */
export type VirtErrorCode = "NOT_FOUND" | "INVALID_STATE" | "INVALID_ARGUMENT" | "IMAGE" | "FAILED";

export class VirtError extends Error {
  override name = "VirtError";
  constructor(
    readonly code: VirtErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface VirtDriver {
  /** Connect. The connection is long-lived and reopened transparently if libvirtd restarts. */
  init(): Promise<void>;
  close(): Promise<void>;
  hostInfo(): Promise<HostInfo>;
  /** Every cloud domain on this host (`instance-<uuid>`); cheap enough for a loop every few seconds. */
  listInstances(): Promise<Array<{ uuid: string; powerState: PowerState }>>;
  /** Image (cached), disk, console log, define, start. Idempotent: an existing domain is only started. */
  spawn(spec: InstanceSpec): Promise<void>;
  /** Stop, undefine, remove the instance directory. Idempotent. */
  destroy(uuid: string): Promise<void>;
  /**
   * ACPI shutdown, wait up to the timeout (0: none), then pull the plug (Nova's clean shutdown).
   * A suspended instance loses its saved memory.
   */
  powerOff(uuid: string, opts?: { timeoutSec?: number }): Promise<void>;
  /** Start a stopped instance; a suspended one is resumed. No-op when it already runs. */
  powerOn(uuid: string): Promise<void>;
  /**
   * SOFT: ACPI shutdown, wait, start; falls back to HARD when the guest does not stop in time.
   * HARD: destroy and start; with a spec the domain (and a missing disk) is first recreated from it.
   */
  reboot(uuid: string, type: RebootType, spec?: InstanceSpec): Promise<void>;
  pause(uuid: string): Promise<void>;
  unpause(uuid: string): Promise<void>;
  /**
   * Save the guest's memory to disk and stop it (Nova's managed save); its power state is then
   * SUSPENDED. resume restores it in the state it was saved in.
   */
  suspend(uuid: string): Promise<void>;
  resume(uuid: string): Promise<void>;
  /** Apply a new flavor (memory, vcpus, a larger root disk) and restore the previous power state. */
  resize(uuid: string, spec: InstanceSpec): Promise<void>;
  powerState(uuid: string): Promise<PowerState>;
  /** The last lines of the serial console log. */
  consoleOutput(uuid: string, maxLines?: number): Promise<string>;
  /** Where the running guest's VNC display listens. */
  vncAddress(uuid: string): Promise<{ host: string; port: number }>;
}
