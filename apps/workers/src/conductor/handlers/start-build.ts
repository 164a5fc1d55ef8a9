// conductor.start_build: a compute host takes up a build (scheduling → spawning) if the build is
// still its own, at this attempt. The compute's build event starts here, saving it a call.
import { handler, startBuild } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import { BUILD_EVENT } from "../flows/builds";
import * as actions from "../repositories/actions";
import { getInstance } from "../repositories/instances";
import { specOf } from "../request-spec";
import { takeBuild } from "../repositories/specs";

export const startBuildHandler = (c: Conductor) =>
  handler(startBuild, async (req, meta) => {
    const taken = await takeBuild(c.sql, req.uuid, req.host, req.attempt, c.now());
    const record = await getInstance(c.sql, req.uuid);
    if (!taken) {
      // The same call run twice (its first reply lost) finds its own swap done: go on.
      const spec = record && specOf(record.spec);
      const mine =
        record?.instance.host === req.host &&
        record.instance.taskState === "spawning" &&
        spec?.attempt === req.attempt;
      if (!mine) {
        meta.logger.info(
          { uuid: req.uuid, host: req.host, attempt: req.attempt },
          "stale build dropped",
        );
        return { proceed: false, instance: record?.instance ?? null };
      }
    }
    if (!record) return { proceed: false, instance: null };
    if (taken) {
      await actions.startLatestEvent(c.sql, req.uuid, "create", BUILD_EVENT, req.host, c.now());
      c.notifier.instanceUpdated(record.instance, meta.ctx);
      c.notifier.latestAction(req.uuid, "create", record.instance.name, meta.ctx);
    }
    return { proceed: true, instance: record.instance };
  });
