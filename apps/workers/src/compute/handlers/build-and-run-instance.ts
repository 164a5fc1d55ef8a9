// compute.build_and_run_instance: take the build (conductor.start_build, which also starts the
// build's action event), spawn the domain, report ACTIVE and finish the event in one update. A
// failed spawn leaves nothing behind and goes back to the conductor as build_failed, which
// finishes the event, and reschedules the build or sets ERROR: the task state is its to decide.
import {
  buildAndRunInstance,
  buildFailed,
  handler,
  instanceUpdate,
  startBuild,
  type Handler,
} from "@nimbus/rpc";
import type { ComputeDeps } from "../deps";
import { ImageFetchError } from "../image-fetch";
import { eventReporter, faultMessage, isGoneOrChanged, tracebackOf } from "../instance-operation";
import { imageFromBuild, instanceSpec } from "../spec";
import { VirtError, type PowerState } from "../virt/driver";

const EVENT = "compute_build_and_run_instance";

export function buildAndRunInstanceHandler(deps: ComputeDeps): Handler {
  const { bus, driver, host, tracker } = deps;
  // A build redelivered while its first delivery still runs here (the broker connection dropped
  // and came back) is the same build: let the first one finish it.
  const building = new Set<string>();

  return handler(buildAndRunInstance, async ({ instance: sent, image, attempt }, meta) => {
    const { uuid } = sent;
    const logger = meta.logger.child({ uuid, attempt });
    const key = `${uuid}/${attempt}`;
    if (building.has(key)) {
      logger.info("this build already runs here; duplicate dropped");
      return;
    }
    building.add(key);
    const end = tracker.begin(uuid);
    try {
      const opts = { ctx: meta.ctx };
      const claim = await bus.call(startBuild, { uuid, host, attempt }, opts);
      if (!claim.proceed || !claim.instance) {
        logger.info("build no longer ours (deleted or rescheduled); dropped");
        return;
      }
      deps.imageSizes.set(image.id, image.size);

      let powerState: PowerState;
      try {
        await driver.spawn(instanceSpec(claim.instance, imageFromBuild(image)));
        powerState = await driver.powerState(uuid);
      } catch (err) {
        logger.error({ err }, "build failed");
        // The driver cleans up a failed spawn itself; a failure after it (reading the power state)
        // would leave a running domain behind on a host the server is leaving.
        await driver
          .destroy(uuid)
          .catch((cleanup: unknown) =>
            logger.warn({ err: cleanup }, "cleanup after a failed build failed"),
          );
        const { rescheduled } = await bus.call(
          buildFailed,
          {
            uuid,
            host,
            attempt,
            reason: faultMessage(err),
            traceback: tracebackOf(err),
            retryable: retryable(err),
          },
          opts,
        );
        logger.info({ rescheduled, retryable: retryable(err) }, "build failure reported");
        return;
      }
      try {
        const server = await bus.call(
          instanceUpdate,
          {
            uuid,
            host,
            expectedTaskState: ["spawning"],
            changes: {
              vmState: "active",
              taskState: null,
              powerState,
              launchedAt: new Date().toISOString(),
            },
            event: { event: EVENT, phase: "finish", result: "Success" },
          },
          opts,
        );
        tracker.reportedState(uuid, server.powerState);
        logger.info("instance active");
      } catch (err) {
        if (!isGoneOrChanged(err)) throw err;
        // Deleted (or reset) while it was being built: the domain must not outlive it here.
        logger.info(
          { code: err.code },
          "the server moved on during the build; removing its domain",
        );
        await driver.destroy(uuid);
        tracker.forget(uuid);
        if (err.code === "conflict") {
          await eventReporter(deps, uuid, EVENT, meta.ctx, logger).finish(
            "Error",
            tracebackOf(err),
          );
        }
      }
    } finally {
      building.delete(key);
      end();
    }
  });
}

/**
 * Whether another host could succeed: not when the image itself is bad (missing, wrong size,
 * digest or format) or the request cannot fit any host (flavor smaller than the image).
 */
export function retryable(err: unknown): boolean {
  if (!(err instanceof VirtError)) return true;
  if (err.code === "INVALID_ARGUMENT") return false;
  if (err.code !== "IMAGE") return true;
  for (let cause = err.cause; cause instanceof Error; cause = cause.cause) {
    if (cause instanceof ImageFetchError) return cause.retryable;
  }
  return false;
}
