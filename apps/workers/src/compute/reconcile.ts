// What a compute host does before it takes work (Nova's init_host): line its domains up with what
// the cloud believes it runs (conductor.host_instances).
// - builds this host had in hand when it stopped are reported failed, so the conductor reschedules
//   them (their half-made domains are removed first);
// - domains of deleted servers, and of servers the cloud does not place here, are destroyed;
// - power states that changed while the host was away are sent (conductor.power_sync).
// Safe to run again: every step is idempotent.
import { stat } from "node:fs/promises";
import { join } from "node:path";
import {
  buildFailed,
  hostInstances,
  powerSync,
  systemContext,
  type Bus,
  type Logger,
} from "@nimbus/rpc";
import { BUILDING_TASK_STATES, type PowerStateValue } from "@nimbus/rpc/domain";
import type { InstanceTracker } from "./power-sync";
import type { VirtDriver } from "./virt/driver";

export interface ReconcileOptions {
  bus: Bus;
  driver: VirtDriver;
  host: string;
  tracker: InstanceTracker;
  /** The driver's instances directory: a domain is this host's only if its directory is there. */
  instancesDir: string;
  logger: Logger;
}

export interface ReconcileReport {
  failedBuilds: string[];
  destroyed: string[];
  /** Domains that are not this host's (another compute sharing the hypervisor): left alone. */
  foreign: string[];
  powerStates: Array<{ uuid: string; powerState: PowerStateValue }>;
}

export const RESTART_REASON = "compute host restarted during the build";

export async function reconcile(opts: ReconcileOptions): Promise<ReconcileReport> {
  const { bus, driver, host, tracker, logger } = opts;
  const ctx = systemContext();
  const [{ instances, deletedUuids }, domains] = await Promise.all([
    bus.call(hostInstances, { host }, { ctx }),
    driver.listInstances(),
  ]);
  const report: ReconcileReport = { failedBuilds: [], destroyed: [], foreign: [], powerStates: [] };
  const live = new Map(instances.map((i) => [i.uuid, i]));
  const deleted = new Set(deletedUuids);

  const domainUuids = new Set(domains.map((d) => d.uuid));
  // Also removes what a domain leaves behind (its directory), with or without the domain.
  const destroy = async (uuid: string, why: string) => {
    try {
      await driver.destroy(uuid);
      if (domainUuids.has(uuid)) report.destroyed.push(uuid);
      logger.info({ uuid, why }, "domain and its files removed");
    } catch (err) {
      logger.error({ err, uuid, why }, "could not destroy a domain");
    }
  };

  for (const { uuid } of domains) {
    if (live.has(uuid)) continue;
    if (deleted.has(uuid)) await destroy(uuid, "its server was deleted");
    else if (await exists(join(opts.instancesDir, uuid)))
      await destroy(uuid, "no server of this host");
    else report.foreign.push(uuid);
  }
  for (const uuid of deleted) {
    if (!domainUuids.has(uuid) && (await exists(join(opts.instancesDir, uuid)))) {
      await destroy(uuid, "its server was deleted");
    }
  }
  if (report.foreign.length) {
    logger.warn(
      { uuids: report.foreign },
      "domains of another compute on this hypervisor; left alone",
    );
  }

  const actual = new Map(domains.map((d) => [d.uuid, d.powerState as PowerStateValue]));
  for (const instance of live.values()) {
    const { uuid } = instance;
    if (instance.taskState && BUILDING_TASK_STATES.includes(instance.taskState)) {
      await destroy(uuid, "its build was interrupted");
      // No attempt: whatever this host was given last, the conductor knows it.
      await bus.call(buildFailed, { uuid, host, reason: RESTART_REASON, retryable: true }, { ctx });
      report.failedBuilds.push(uuid);
      logger.info({ uuid, taskState: instance.taskState }, "interrupted build reported failed");
      continue;
    }
    // Instances of this host without a domain are NOSTATE, as Nova's power-state sync says.
    const powerState = actual.get(uuid) ?? 0;
    tracker.reportedState(uuid, instance.powerState);
    if (powerState !== instance.powerState) report.powerStates.push({ uuid, powerState });
  }

  if (report.powerStates.length) {
    await bus.call(powerSync, { host, states: report.powerStates }, { ctx });
    for (const s of report.powerStates) tracker.reportedState(s.uuid, s.powerState);
  }
  logger.info(
    {
      instances: instances.length,
      domains: domains.length,
      failedBuilds: report.failedBuilds.length,
      destroyed: report.destroyed.length,
      powerStates: report.powerStates.length,
    },
    "reconciled with the cloud",
  );
  return report;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
