// conductor.start_build: a compute host takes up a build (scheduling → spawning) if the build is
// still its own, at this attempt. The compute's build event starts here, saving it a call.
import { handler, startBuild } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import { BUILD_EVENT } from "../flows/builds";
import * as actions from "../repositories/actions";
import { firstRecord, getInstanceSql } from "../repositories/instances";
import { specOf } from "../request-spec";
import { takeBuildSql } from "../repositories/specs";

export const startBuildHandler = (c: Conductor) =>
  handler(startBuild, async (req, meta) => {
    const now = c.now();
    // One round trip: the swap, the server as it is after it, and the action the event goes on.
    const [swap, read, latest] = await c.sql.batch([
      takeBuildSql(req.uuid, req.host, req.attempt, now),
      getInstanceSql(req.uuid),
      actions.latestActionSql(req.uuid, "create", BUILD_EVENT),
    ]);
    const taken = swap!.affectedRows > 0;
    const record = firstRecord(read!.rows);
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
      const actionId = actions.idleLatestAction(latest!.rows);
      c.notifier.instanceUpdated(record.instance, meta.ctx);
      if (actionId !== null) {
        // The event, and the action with it read back for its notification: one round trip.
        const [, read, events] = await c.sql.batch([
          actions.insertEventsSql([{ actionId, event: BUILD_EVENT, host: req.host }], now),
          ...actions.getActionSql(actionId),
        ]);
        const action = actions.actionFromRows(read!.rows, events!.rows);
        if (action) c.notifier.actionRecorded(action, record.instance.name, meta.ctx);
      } else {
        c.notifier.latestAction(req.uuid, "create", record.instance.name, meta.ctx);
      }
    }
    return { proceed: true, instance: record.instance };
  });
