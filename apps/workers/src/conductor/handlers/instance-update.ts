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
import { rememberMessage } from "../repositories/messages";
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
    const outcome = await transaction(c.sql, async (tx) => {
      if (!(await rememberMessage(tx, meta.messageId, now))) {
        const done = await instances.getInstance(tx, req.uuid, {
          projectId: null,
          withDeleted: true,
        });
        if (!done) throw new RpcError("conflict", `Instance ${req.uuid} was deleted.`);
        return { replay: true, actionId: null, nodeId: null, instance: done.instance };
      }
      const record = await instances.lockInstance(tx, req.uuid);
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
      await instances.updateInstance(tx, req.uuid, {}, changes, now);
      const nodeId =
        resize === "confirmed" || resize === "reverted"
          ? await resizeAllocation(tx, req.uuid, resourcesOf(keep))
          : null;

      if (req.fault) await instances.addFault(tx, req.uuid, req.fault, req.host, now);
      let actionId: number | null = null;
      if (req.event || ch.taskState === null) {
        actionId = await actions.findActionId(tx, req.uuid, ctx.requestId);
      }
      if (actionId !== null && req.event) {
        if (req.event.phase === "start")
          await actions.startEvent(tx, actionId, req.event.event, req.host, now);
        else {
          await actions.finishEvent(
            tx,
            actionId,
            req.event.event,
            {
              result: req.event.result ?? "Success",
              traceback: req.event.traceback,
              details: req.event.details,
              host: req.host,
            },
            now,
          );
        }
      }
      // The task is over: so is the action that started it.
      if (actionId !== null && ch.taskState === null && current.taskState !== null) {
        const failed =
          ch.vmState === "error" || req.event?.result === "Error" || req.fault !== undefined;
        await actions.finishAction(tx, actionId, now, failed);
      }
      return {
        replay: false,
        actionId,
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
    if (outcome.actionId !== null) c.notifier.actionChanged(outcome.actionId, instance, ctx);
    if (outcome.nodeId !== null) c.notifier.nodeChanged(outcome.nodeId, ctx);
    return instance;
  });
