// The compute service's wiring: driver, start-up reconcile, the handlers on `compute.<host>`,
// registration and heartbeat, and the power-state sync loop. main.ts runs it as a process.
import { setTimeout as sleep } from "node:timers/promises";
import { isRpcError, type Logger } from "@nimbus/rpc";
import { startHeartbeat, type Heartbeat } from "../shared/heartbeat";
import type { Running, WorkerDeps } from "../shared/worker";
import type { ComputeConfig } from "./config";
import type { ComputeDeps } from "./deps";
import { createImageFetcher, keystoneAuth, noauth2Auth, type ImageApiAuth } from "./image-fetch";
import { nodeInventory } from "./inventory";
import { computeHandlers } from "./manager";
import { InstanceTracker, startPowerSync } from "./power-sync";
import { reconcile } from "./reconcile";
import { LibvirtDriver } from "./virt/libvirt-driver";

/** The compute RPC API version this host speaks (every compute contract is 1.0). */
const SERVICE_VERSION = "1.0";

export async function startCompute({
  config,
  bus,
  logger,
}: WorkerDeps<ComputeConfig>): Promise<Running> {
  const host = config.NIMBUS_HOST;
  const imageSizes = new Map<string, number | null>();
  const driver = new LibvirtDriver({
    uri: config.NIMBUS_LIBVIRT_URI,
    virtType: config.NIMBUS_VIRT_TYPE,
    instancesDir: config.NIMBUS_INSTANCES_DIR,
    imageCacheDir: config.NIMBUS_IMAGE_CACHE_DIR,
    vncListen: config.NIMBUS_VNC_LISTEN,
    hostIp: config.NIMBUS_HOST_IP,
    shutdownTimeoutSec: config.NIMBUS_SHUTDOWN_TIMEOUT,
    logger: logger.child({ component: "virt" }),
    fetchImage: createImageFetcher({
      baseUrl: config.NIMBUS_IMAGE_API_URL,
      auth: imageApiAuth(config, logger),
      expectedSize: (id) => imageSizes.get(id),
    }),
  });
  await driver.init();
  const tracker = new InstanceTracker();
  const deps: ComputeDeps = { bus, driver, host, tracker, imageSizes };

  // Reconcile before taking work, so a redelivered build of an instance reported failed here
  // finds it rescheduled and is dropped; register only once serving, so the scheduler never
  // picks a host whose queue is not consumed yet.
  await untilConductorAnswers(logger, "reconcile", () =>
    reconcile({ bus, driver, host, tracker, instancesDir: config.NIMBUS_INSTANCES_DIR, logger }),
  );
  const server = await bus.serve({ service: "compute", host }, computeHandlers(deps));
  const heartbeat = await untilConductorAnswers(logger, "registration", () =>
    register(deps, config, logger),
  );
  const sync = startPowerSync({
    bus,
    driver,
    tracker,
    host,
    logger,
    intervalMs: config.NIMBUS_SYNC_POWER_STATE_INTERVAL * 1000,
  });
  logger.info({ uri: config.NIMBUS_LIBVIRT_URI, host }, "compute serving");

  return {
    async stop() {
      heartbeat.stop();
      await sync.stop();
      await server.close();
      await driver.close();
    },
  };
}

async function register(
  deps: ComputeDeps,
  config: ComputeConfig,
  logger: Logger,
): Promise<Heartbeat> {
  let disabled: boolean | undefined;
  const heartbeat = startHeartbeat({
    bus: deps.bus,
    logger,
    host: deps.host,
    binary: "nova-compute",
    version: SERVICE_VERSION,
    intervalMs: config.NIMBUS_REPORT_INTERVAL * 1000,
    inventory: async () =>
      nodeInventory(await deps.driver.hostInfo(), {
        cpuAllocationRatio: config.NIMBUS_CPU_ALLOCATION_RATIO,
        ramAllocationRatio: config.NIMBUS_RAM_ALLOCATION_RATIO,
        diskAllocationRatio: config.NIMBUS_DISK_ALLOCATION_RATIO,
        reservedHostMemoryMb: config.NIMBUS_RESERVED_HOST_MEMORY_MB,
      }),
    onReport: (reply) => {
      if (reply.disabled !== disabled) {
        disabled = reply.disabled;
        logger.info({ ...reply }, disabled ? "service disabled by an operator" : "service enabled");
      }
    },
  });
  try {
    await heartbeat.ready;
    return heartbeat;
  } catch (err) {
    heartbeat.stop();
    throw err;
  }
}

function imageApiAuth(config: ComputeConfig, logger: Logger): ImageApiAuth {
  if (config.NIMBUS_AUTH_STRATEGY === "noauth2") {
    return noauth2Auth("admin", config.NIMBUS_SERVICE_PROJECT);
  }
  if (!config.NIMBUS_SERVICE_PASSWORD) {
    logger.error("NIMBUS_SERVICE_PASSWORD is not set: image downloads will fail");
  }
  return keystoneAuth({
    identityUrl: config.NIMBUS_IDENTITY_URL,
    user: config.NIMBUS_SERVICE_USER,
    password: config.NIMBUS_SERVICE_PASSWORD,
    project: config.NIMBUS_SERVICE_PROJECT,
  });
}

/**
 * Nova's compute waits for the conductor at start; so does this one: a conductor that is not up
 * yet (timeout, unavailable) is asked again with a growing pause. Any other failure is fatal.
 */
async function untilConductorAnswers<T>(
  logger: Logger,
  what: string,
  fn: () => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isRpcError(err, "timeout") && !isRpcError(err, "unavailable")) throw err;
      const delayMs = Math.min(5_000, 250 * 2 ** attempt);
      logger.warn(
        { attempt, delayMs, code: err.code },
        `${what}: the conductor does not answer yet`,
      );
      await sleep(delayMs);
    }
  }
}
