// The compute process's configuration: the only place in the compute worker that reads the
// environment. Nova's names are in the comments. The compute never gets NIMBUS_DATABASE_URL.
import { commonSettings, envInt, parseConfig } from "@nimbus/rpc";
import { z } from "zod";

/** Seconds, fractions allowed (tests run the loops fast). */
const seconds = (fallback: number) => z.coerce.number().positive().default(fallback);
const ratio = (fallback: number) => z.coerce.number().positive().default(fallback);

export const computeSettings = {
  ...commonSettings,
  /** [libvirt] connection_uri: qemu:///system for real guests, test:///default for the fake one. */
  NIMBUS_LIBVIRT_URI: z.string().min(1).default("qemu:///system"),
  /** [libvirt] virt_type: qemu (TCG) works everywhere; kvm needs hardware virtualization. */
  NIMBUS_VIRT_TYPE: z.enum(["qemu", "kvm"]).default("qemu"),
  /** [DEFAULT] instances_path: one directory per instance (disk, console log, saved memory). */
  NIMBUS_INSTANCES_DIR: z.string().min(1).default("/var/lib/nimbus/instances"),
  /** Nova's instances/_base: one verified qcow2 base per image, shared by the overlays. */
  NIMBUS_IMAGE_CACHE_DIR: z.string().min(1).default("/var/lib/nimbus/_base"),
  /** [vnc] server_listen: where the guests' VNC displays listen. */
  NIMBUS_VNC_LISTEN: z.string().min(1).default("127.0.0.1"),
  /** [DEFAULT] my_ip: this host's address; unset, the first non-loopback IPv4 address. */
  NIMBUS_HOST_IP: z.string().min(1).optional(),
  NIMBUS_CPU_ALLOCATION_RATIO: ratio(16),
  NIMBUS_RAM_ALLOCATION_RATIO: ratio(1.5),
  NIMBUS_DISK_ALLOCATION_RATIO: ratio(1),
  /**
   * Memory kept for the host itself. Nova reports it beside the total; compute nodes here have no
   * column for it, so it is subtracted from the memory the node reports.
   */
  NIMBUS_RESERVED_HOST_MEMORY_MB: envInt(512).pipe(z.number().int().nonnegative()),
  /** [DEFAULT] report_interval: seconds between heartbeats (service + inventory). */
  NIMBUS_REPORT_INTERVAL: seconds(10),
  /** [DEFAULT] sync_power_state_interval: seconds between power-state syncs. */
  NIMBUS_SYNC_POWER_STATE_INTERVAL: seconds(5),
  /** [DEFAULT] shutdown_timeout: seconds a clean shutdown waits before pulling the plug. */
  NIMBUS_SHUTDOWN_TIMEOUT: z.coerce.number().nonnegative().default(60),
  /** The image API (Glance v2) the images are downloaded from: GET {url}/v2/images/{id}/file. */
  NIMBUS_IMAGE_API_URL: z
    .url()
    .default("http://127.0.0.1:8080/image")
    .transform((u) => u.replace(/\/+$/, "")),
  /**
   * How the image API authenticates this compute: `keystone` (the cloud's default: the service
   * user below logs in) or `noauth2` (tests: the token `admin:<project>`, since only the user named
   * admin may read every project's images there). Must match the web's setting.
   */
  NIMBUS_AUTH_STRATEGY: z.enum(["keystone", "noauth2"]).default("keystone"),
  /** Keystone's root; tokens are asked of {url}/v3/auth/tokens. */
  NIMBUS_IDENTITY_URL: z
    .url()
    .default("http://127.0.0.1:8080/identity")
    .transform((u) => u.replace(/\/+$/, "")),
  /** The service user the compute logs in as (Nova's `nova`), in its project, domain Default. */
  NIMBUS_SERVICE_USER: z.string().min(1).default("nimbus"),
  NIMBUS_SERVICE_PROJECT: z.string().min(1).default("service"),
  NIMBUS_SERVICE_PASSWORD: z.string().min(1).optional(),
  /**
   * Messages handled at once (Nova's executor_thread_pool_size, 64): a slow operation on one
   * instance, e.g. a 60 s clean shutdown, holds one slot and never queues the others behind it.
   */
  NIMBUS_RPC_PREFETCH: envInt(64).pipe(z.number().int().min(1).max(1000)),
};

export type ComputeConfig = ReturnType<typeof parseComputeConfig>;

export function parseComputeConfig(env: Record<string, string | undefined>) {
  return parseConfig(computeSettings, env);
}

/** The configuration of this process, from its environment. */
export function loadComputeConfig(): ComputeConfig {
  return parseComputeConfig(process.env);
}
