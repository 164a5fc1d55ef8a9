// Builds nothing else will move on:
// - waiting for a host for longer than NIMBUS_BUILD_STUCK_TIMEOUT: their schedule_and_build was
//   lost (the conductor died between its commit and its cast, or the message was dead-lettered),
//   so it is cast again (harmless if the first one is still on its way: it skips placed builds);
// - placed on a host whose compute service has been down for NIMBUS_SERVICE_DOWN_TIME: failed
//   over like any build failure, so they are rescheduled elsewhere;
// - being deleted on a host that is down: deleted here (the host removes the domain when it starts).
import { scheduleAndBuild, systemContext } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import { failBuild } from "../flows/builds";
import { finishDelete } from "../flows/deletes";
import { listServiceRows } from "../repositories/hosts";
import * as instances from "../repositories/instances";
import { isServiceUp } from "../repositories/mapping";

export interface RecoveryOutcome {
  rescheduled: string[];
  failedOver: string[];
  deleted: string[];
}

export async function recoverBuilds(c: Conductor): Promise<RecoveryOutcome> {
  const now = c.now();
  const ctx = systemContext();
  const logger = c.logger.child({ requestId: ctx.requestId, task: "build_recovery" });
  const outcome: RecoveryOutcome = { rescheduled: [], failedOver: [], deleted: [] };

  const stuckBefore = new Date(now.getTime() - c.config.NIMBUS_BUILD_STUCK_TIMEOUT * 1000);
  const stuck = await instances.unplacedBuildsSince(c.sql, stuckBefore, 1000);
  if (stuck.length > 0) {
    // Touched, so the next sweep waits a full timeout again before casting once more.
    await instances.touchInstances(c.sql, stuck, now);
    await c.bus.cast(scheduleAndBuild, { instanceUuids: stuck }, { ctx });
    logger.warn(
      { count: stuck.length },
      "builds waiting too long for a host: scheduling them again",
    );
    outcome.rescheduled = stuck;
  }

  const liveness = c.liveness();
  const downHosts = (await listServiceRows(c.sql, { binary: "nova-compute" }))
    .filter((s) => !isServiceUp(s, liveness))
    .map((s) => s.host);
  const downBefore = new Date(now.getTime() - liveness.downTimeMs);
  for (const { uuid, host } of await instances.instancesOnHosts(c.sql, downHosts, {
    vmState: "building",
    before: downBefore,
  })) {
    const { rescheduled } = await failBuild(
      c,
      {
        uuid,
        host,
        reason: `Compute service on host ${host} went down during the build.`,
        retryable: true,
      },
      { ctx, logger },
    );
    if (rescheduled) outcome.failedOver.push(uuid);
  }
  for (const { uuid, host } of await instances.instancesOnHosts(c.sql, downHosts, {
    taskState: "deleting",
    before: downBefore,
  })) {
    const done = await finishDelete(
      c,
      uuid,
      ctx,
      logger,
      (cur) => cur.host === host && cur.taskState === "deleting",
    );
    if (done.deleted) outcome.deleted.push(uuid);
  }
  return outcome;
}
