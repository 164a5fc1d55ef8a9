// conductor.instance_update: a compute host records what it did to a server. The write is a
// compare-and-swap on the host and the expected task state (a mismatch is a conflict: the server
// was deleted, moved or acted on meanwhile), done under the row's lock together with the resize
// bookkeeping, the action event and the fault.
//
// A call can run twice (the conductor died before its reply reached the host): the message id is
// recorded with the write, and a second run answers with the server as it is, instead of a
// conflict that would make the host undo work that was recorded.
import { handler, instanceUpdate, RpcError } from "@nimbus/rpc";
import type { TaskState } from "@nimbus/rpc/domain";
import type { Conductor } from "../deps";
import { resourcesOf } from "../flows/builds";
import { taskStateConflict } from "../messages";
import * as actions from "../repositories/actions";
import { transaction } from "../repositories/db";
import { resizeAllocation } from "../repositories/hosts";
import { isReplay, rememberMessageSql } from "../repositories/messages";
import * as instances from "../repositories/instances";
import type { InstanceChanges } from "../repositories/instances";

const RESIZING: readonly (TaskState | null)[] = [
  "resize_prep",
  "resize_migrating",
  "resize_migrated",
  "resize_finish",
];

export const instanceUpdateHandler = (c: Conductor) =>
  handler(instanceUpdate, async (req, meta) => {
    const { ctx } = meta;
    const now = c.now();
    const ch = req.changes;
    // The action is read when the host reports an event or ends the task.
    const wantsAction = req.event !== undefined || ch.taskState === null;
    const outcome = await transaction(c.sql, async (tx) => {
      // One round trip: remember the message, lock the row, find the action.
      let read;
      try {
        read = await tx.batch([
          rememberMessageSql(meta.messageId, now),
          instances.lockInstanceSql(req.uuid),
          ...(wantsAction ? [actions.findActionIdSql(req.uuid, ctx.requestId)] : []),
        ]);
      } catch (err) {
        if (!isReplay(err, meta.messageId)) throw err;
        const done = await instances.getInstance(tx, req.uuid, {
          projectId: null,
          withDeleted: true,
        });
        if (!done) throw new RpcError("conflict", `Instance ${req.uuid} was deleted.`);
        return {
          replay: true,
          actionId: null,
          action: null,
          nodeId: null,
          instance: done.instance,
        };
      }
      const record = instances.firstRecord(read[1]!.rows);
      if (!record) throw new RpcError("conflict", `Instance ${req.uuid} was deleted.`);
      const current = record.instance;
      if (current.host !== req.host) {
        throw new RpcError("conflict", `Instance ${req.uuid} is not on host ${req.host}.`);
      }
      if (req.expectedTaskState && !req.expectedTaskState.includes(current.taskState)) {
        throw taskStateConflict(req.uuid, req.expectedTaskState, current.taskState);
      }

      const changes: InstanceChanges = {
        vmState: ch.vmState,
        taskState: ch.taskState,
        powerState: ch.powerState,
        launchedAt: ch.launchedAt === undefined ? undefined : new Date(ch.launchedAt),
        node: ch.node,
        progress: ch.progress,
      };
      // A resize that ends without "finished" failed: it goes back to the old flavor, like a revert.
      const resize =
        ch.resize ??
        (ch.taskState === null && RESIZING.includes(current.taskState) && current.newFlavor
          ? "reverted"
          : undefined);
      let keep = current.flavor;
      if (resize === "finished") {
        if (!current.newFlavor)
          throw new RpcError("conflict", `Instance ${req.uuid} is not being resized.`);
        changes.flavor = current.newFlavor;
      } else if (resize === "confirmed" || resize === "reverted") {
        keep = resize === "reverted" ? (current.oldFlavor ?? current.flavor) : current.flavor;
        Object.assign(changes, {
          flavor: keep,
          oldFlavor: null,
          newFlavor: null,
          size: {
            vcpus: keep.vcpus,
            memoryMb: keep.memoryMb,
            rootGb: keep.rootGb,
            ephemeralGb: keep.ephemeralGb,
          },
        });
      }
      const actionId = wantsAction ? actions.firstId(read[2]!.rows) : null;
      const finishing =
        actionId !== null && req.event?.phase === "finish"
          ? {
              actionId,
              event: req.event.event,
              finish: {
                result: req.event.result ?? "Success",
                traceback: req.event.traceback,
                details: req.event.details,
                host: req.host,
              },
            }
          : null;
      // The writes that need no read first, in one round trip.
      const written = await tx.batch([
        instances.updateInstanceSql(req.uuid, {}, changes, now),
        ...(req.fault ? [instances.addFaultSql(req.uuid, req.fault, req.host, now)] : []),
        ...(finishing
          ? [actions.finishEventSql(finishing.actionId, finishing.event, finishing.finish, now)]
          : []),
      ]);
      // No such event running: recorded as started and finished now (as finishEvent does).
      if (finishing && written.at(-1)!.affectedRows === 0) {
        const { actionId: id, event, finish } = finishing;
        await actions.recordFinishedEvent(tx, id, event, finish, now);
      }
      if (actionId !== null && req.event?.phase === "start")
        await actions.startEvent(tx, actionId, req.event.event, req.host, now);
      const nodeId =
        resize === "confirmed" || resize === "reverted"
          ? await resizeAllocation(tx, req.uuid, resourcesOf(keep))
          : null;
      // The task is over: so is the action that started it (sent with the COMMIT, and the action
      // as committed read back in the same round trip for its notification).
      let action = null;
      if (actionId !== null && ch.taskState === null && current.taskState !== null) {
        const failed =
          ch.vmState === "error" || req.event?.result === "Error" || req.fault !== undefined;
        const [, read, events] = await tx.commitWith(
          [actions.finishActionSql(actionId, now, failed)],
          actions.getActionSql(actionId),
        );
        action = actions.actionFromRows(read!.rows, events!.rows);
      }
      return {
        replay: false,
        actionId,
        action,
        nodeId: typeof nodeId === "number" ? nodeId : null,
        // Exactly what was written, under the row's lock: no need to read it back.
        instance: instances.applyChanges(current, changes, now, req.fault),
      };
    });

    const { instance } = outcome;
    if (outcome.replay) {
      meta.logger.info(
        { uuid: req.uuid },
        "instance_update ran before for this message; answering again",
      );
      return instance;
    }
    c.notifier.instanceUpdated(instance, ctx);
    if (outcome.action) c.notifier.actionRecorded(outcome.action, instance.name, ctx);
    else if (outcome.actionId !== null) c.notifier.actionChanged(outcome.actionId, instance, ctx);
    if (outcome.nodeId !== null) c.notifier.nodeChanged(outcome.nodeId, ctx);
    return instance;
  });
