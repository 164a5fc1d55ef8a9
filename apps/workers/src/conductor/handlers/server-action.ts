// conductor.server_action: a user acts on a server. The action's guard (packages/rpc/src/domain/
// server-actions) is checked on the server as read; then the task state moves with a compare-and-
// swap against that same read, so of two racing actions exactly one wins (the other gets Nova's
// 409); the action is recorded in the same transaction and the work is cast to the server's host.
// Lock, unlock and os-resetState touch no hypervisor; a delete with no reachable host is done here.
import {
  confirmResize,
  handler,
  isRpcError,
  pauseInstance,
  rebootInstance,
  resizeInstance,
  resumeInstance,
  revertResize,
  RpcError,
  serverAction,
  startInstance,
  stopInstance,
  suspendInstance,
  terminateInstance,
  unpauseInstance,
  type CastContract,
  type FlavorSnapshot,
  type Instance,
  type Logger,
  type RequestContext,
} from "@nimbus/rpc";
import { refuseServerAction, serverActions, type ServerActionName } from "@nimbus/rpc/domain";
import type { Conductor } from "../deps";
import { resourcesOf } from "../flows/builds";
import { finishDelete } from "../flows/deletes";
import { instanceNotFound, taskStateConflict } from "../messages";
import { refuseUpsize } from "../quota";
import * as actions from "../repositories/actions";
import { findUsableFlavor, lockProjectQuota, quotaState } from "../repositories/catalog";
import { isUniqueViolation, transaction, type Tx } from "../repositories/db";
import { computeServiceOf, resizeAllocation } from "../repositories/hosts";
import * as instances from "../repositories/instances";
import { isServiceUp, type InstanceRecord } from "../repositories/mapping";
import { isUuid } from "./get-server";

type Cast = { contract: CastContract; extra?: Record<string, unknown> };

/** What each hypervisor action casts to the compute host (with the instance). */
const CASTS: Partial<Record<ServerActionName, Cast>> = {
  stop: { contract: stopInstance },
  start: { contract: startInstance },
  "reboot-soft": { contract: rebootInstance, extra: { type: "SOFT" } },
  "reboot-hard": { contract: rebootInstance, extra: { type: "HARD" } },
  pause: { contract: pauseInstance },
  unpause: { contract: unpauseInstance },
  suspend: { contract: suspendInstance },
  resume: { contract: resumeInstance },
  resize: { contract: resizeInstance },
  "confirm-resize": { contract: confirmResize },
  "revert-resize": { contract: revertResize },
  delete: { contract: terminateInstance },
};

interface Call {
  c: Conductor;
  record: InstanceRecord;
  name: ServerActionName;
  ctx: RequestContext;
  logger: Logger;
  flavorRef?: string;
  resetTo?: "active" | "error";
  lockedReason?: string;
}

export const serverActionHandler = (c: Conductor) =>
  handler(serverAction, async (req, meta) => {
    if (!isUuid(req.uuid)) throw instanceNotFound(req.uuid);
    const record = await instances.getInstance(c.sql, req.uuid, { projectId: req.projectId });
    if (!record) throw instanceNotFound(req.uuid);
    const refusal = refuseServerAction(serverActions[req.action], record.instance, {
      isAdmin: meta.ctx.isAdmin === true,
    });
    if (refusal) {
      // The same request run twice (its first reply lost) finds its own action done: not a refusal.
      if (await actions.actionOfRequest(c.sql, req.uuid, meta.ctx.requestId))
        return record.instance;
      throw new RpcError("conflict", refusal.message, { ...refusal });
    }
    const call: Call = {
      c,
      record,
      name: req.action,
      ctx: meta.ctx,
      logger: meta.logger,
      flavorRef: req.flavorRef,
      resetTo: req.resetTo,
      lockedReason: req.lockedReason,
    };
    switch (req.action) {
      case "lock":
      case "unlock":
      case "reset-state":
        return conductorOnly(call);
      case "delete":
        return deleteWhatever(call);
      case "resize":
        return resize(call);
      default:
        return hypervisorAction(call);
    }
  });

function startOf(call: Call, now: Date, message?: string | null): actions.ActionStart {
  return {
    action: serverActions[call.name].instanceAction,
    requestId: call.ctx.requestId,
    userId: call.ctx.userId ?? null,
    projectId: call.ctx.projectId ?? null,
    message,
    now,
  };
}

/**
 * Move the task state from the one read to the action's, and record the action, atomically.
 * `more` runs in the same transaction (resize claims and bookkeeping). Returns the action's id, or
 * null when this very request did it already (a call run twice).
 */
async function swap(
  call: Call,
  more?: (tx: Tx, now: Date) => Promise<void>,
): Promise<number | null> {
  const { c, record, name } = call;
  const def = serverActions[name];
  const read = record.instance;
  const now = c.now();
  try {
    return await transaction(c.sql, async (tx) => {
      const applied = await instances.updateInstance(
        tx,
        read.uuid,
        { taskStates: [read.taskState], vmStates: [read.vmState] },
        { taskState: def.taskState },
        now,
      );
      if (!applied) {
        const current = await instances.getInstance(tx, read.uuid);
        if (!current) throw instanceNotFound(read.uuid);
        throw taskStateConflict(read.uuid, [read.taskState], current.instance.taskState);
      }
      await more?.(tx, now);
      return actions.startAction(tx, read.uuid, startOf(call, now));
    });
  } catch (err) {
    // A request that already acted on this server (its first reply was lost) lost no race.
    const replay =
      isUniqueViolation(err) ||
      (err instanceof RpcError &&
        err.code === "conflict" &&
        (await actions.actionOfRequest(c.sql, read.uuid, call.ctx.requestId)) !== null);
    if (replay) return null;
    throw err;
  }
}

async function current(call: Call, withDeleted = false): Promise<Instance> {
  const record = await instances.getInstance(call.c.sql, call.record.instance.uuid, {
    projectId: null,
    withDeleted,
  });
  if (!record) throw instanceNotFound(call.record.instance.uuid);
  return record.instance;
}

/** Hand the work to the compute host; if it cannot be sent, undo the swap and say so. */
async function castToHost(call: Call, instance: Instance, actionId: number): Promise<void> {
  const { c } = call;
  const cast = CASTS[call.name]!;
  try {
    await c.bus.cast(
      cast.contract,
      { instance, ...cast.extra },
      { ctx: call.ctx, host: instance.host! },
    );
  } catch (err) {
    call.logger.error(
      { err, uuid: instance.uuid, host: instance.host },
      "could not reach the compute host",
    );
    const now = c.now();
    await instances.updateInstance(
      c.sql,
      instance.uuid,
      { taskStates: [instance.taskState] },
      { taskState: call.record.instance.taskState },
      now,
    );
    await actions.finishAction(c.sql, actionId, now, true);
    throw new RpcError(
      "unavailable",
      `Compute host ${instance.host} cannot be reached; try again later.`,
    );
  }
}

async function hypervisorAction(call: Call): Promise<Instance> {
  const { c, record } = call;
  if (!record.instance.host) {
    throw new RpcError("conflict", `Instance ${record.instance.uuid} is not on a compute host.`);
  }
  const actionId = await swap(call);
  const instance = await current(call);
  if (actionId === null) return instance;
  call.logger.info(
    { uuid: instance.uuid, action: call.name, host: instance.host },
    "server action accepted",
  );
  c.notifier.instanceUpdated(instance, call.ctx);
  c.notifier.actionChanged(actionId, instance, call.ctx);
  await castToHost(call, instance, actionId);
  return instance;
}

/**
 * Nova deletes "no matter what": a delete whose compare-and-swap lost to a build or another action
 * moving the task state on reads the server again and tries from its new state, instead of 409.
 */
async function deleteWhatever(first: Call): Promise<Instance> {
  let call = first;
  for (let attempt = 1; ; attempt++) {
    try {
      return await deleteServer(call);
    } catch (err) {
      if (attempt >= 5 || !isRpcError(err, "conflict")) throw err;
      const fresh = await instances.getInstance(call.c.sql, call.record.instance.uuid);
      if (!fresh) throw instanceNotFound(call.record.instance.uuid);
      call = { ...call, record: fresh };
    }
  }
}

async function deleteServer(call: Call): Promise<Instance> {
  const { c, record } = call;
  const host = record.instance.host;
  const service = host === null ? null : await computeServiceOf(c.sql, host);
  if (host === null || !service || !isServiceUp(service, c.liveness())) {
    // Nobody can destroy a domain for us: the conductor deletes the record itself (the host
    // removes a leftover domain when it starts).
    try {
      await actions.startAction(c.sql, record.instance.uuid, startOf(call, c.now()));
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
    }
    const done = await finishDelete(
      c,
      record.instance.uuid,
      call.ctx,
      call.logger,
      (now) => now.host === host,
    );
    if (done.deleted) return current(call, true);
    // Placed on a host meanwhile: go through the host after all.
    const fresh = await instances.getInstance(c.sql, record.instance.uuid);
    if (!fresh) return current(call, true);
    return deleteServer({ ...call, record: fresh });
  }
  return hypervisorAction(call);
}

async function resize(call: Call): Promise<Instance> {
  const { c, record, ctx } = call;
  const read = record.instance;
  if (!read.host) throw new RpcError("conflict", `Instance ${read.uuid} is not on a compute host.`);
  if (!call.flavorRef) throw new RpcError("invalid", "Resize requires a flavorRef.");
  const found = await findUsableFlavor(c.sql, call.flavorRef, read.projectId, ctx.isAdmin === true);
  if (!found || found.disabled) throw new RpcError("invalid", "Unable to locate requested flavor.");
  const next = found.snapshot;
  if (next.id === read.flavor.id) throw new RpcError("invalid", "Resize requires a flavor change.");
  if (next.rootGb < read.flavor.rootGb) {
    throw new RpcError(
      "invalid",
      "Server disk was unable to be resized because: Resizing to a smaller disk is not allowed.",
    );
  }
  const larger = maxOf(read.flavor, next);
  let nodeId: number | null = null;

  const actionId = await swap(call, async (tx, now) => {
    // Quota for the growth only, counted under the project's lock as creates are.
    await lockProjectQuota(tx, read.projectId, now);
    const quota = await quotaState(tx, read.projectId);
    const refusal = refuseUpsize(
      { instances: quota.limit("instances"), cores: quota.limit("cores"), ram: quota.limit("ram") },
      quota.usage,
      { cores: next.vcpus - read.flavor.vcpus, ram: next.memoryMb - read.flavor.memoryMb },
    );
    if (refusal) throw new RpcError("over_quota", refusal);
    // The host holds the larger of both flavors until the resize is confirmed or reverted.
    const claimed = await resizeAllocation(tx, read.uuid, resourcesOf(larger));
    if (claimed === "no_room") {
      throw new RpcError(
        "no_valid_host",
        `No valid host was found. Host ${read.host} has no room for flavor ${next.name}.`,
      );
    }
    nodeId = claimed;
    await instances.updateInstance(
      tx,
      read.uuid,
      {},
      {
        oldFlavor: read.flavor,
        newFlavor: next,
        size: {
          vcpus: larger.vcpus,
          memoryMb: larger.memoryMb,
          rootGb: larger.rootGb,
          ephemeralGb: larger.ephemeralGb,
        },
      },
      now,
    );
  });
  const instance = await current(call);
  if (actionId === null) return instance;
  call.logger.info({ uuid: read.uuid, from: read.flavor.name, to: next.name }, "resize accepted");
  c.notifier.instanceUpdated(instance, ctx);
  c.notifier.actionChanged(actionId, instance, ctx);
  if (nodeId !== null) c.notifier.nodeChanged(nodeId, ctx);
  await castToHost(call, instance, actionId);
  return instance;
}

/** Per resource, the larger of two flavors (what a resize holds while it can be reverted). */
function maxOf(a: FlavorSnapshot, b: FlavorSnapshot): FlavorSnapshot {
  return {
    ...b,
    vcpus: Math.max(a.vcpus, b.vcpus),
    memoryMb: Math.max(a.memoryMb, b.memoryMb),
    rootGb: Math.max(a.rootGb, b.rootGb),
    ephemeralGb: Math.max(a.ephemeralGb, b.ephemeralGb),
    swap: Math.max(a.swap, b.swap),
  };
}

/** lock, unlock, os-resetState: a record change and a finished action, no hypervisor. */
async function conductorOnly(call: Call): Promise<Instance> {
  const { c, record, ctx } = call;
  const read = record.instance;
  const isAdmin = ctx.isAdmin === true;
  let changes: instances.InstanceChanges;
  let message: string | null = null;
  if (call.name === "lock") {
    // Nova: locked by the owner if the caller is in the server's project, else by an admin.
    changes = { locked: true, lockedBy: ctx.projectId === read.projectId ? "owner" : "admin" };
    message = call.lockedReason ?? null;
  } else if (call.name === "unlock") {
    if (record.lockedBy === "admin" && !isAdmin) {
      throw new RpcError(
        "forbidden",
        "Policy doesn't allow os_compute_api:os-lock-server:unlock:unlock_override to be performed.",
      );
    }
    changes = { locked: false, lockedBy: null };
  } else {
    if (!isAdmin)
      throw new RpcError(
        "forbidden",
        "Policy doesn't allow os_compute_api:os-admin-actions:reset_state to be performed.",
      );
    if (!call.resetTo)
      throw new RpcError("invalid", "os-resetState needs the state to set (active or error).");
    changes = { vmState: call.resetTo, taskState: null };
  }
  const now = c.now();
  let actionId: number | null;
  try {
    actionId = await transaction(c.sql, async (tx) => {
      if (!(await instances.updateInstance(tx, read.uuid, {}, changes, now)))
        throw instanceNotFound(read.uuid);
      const id = await actions.startAction(tx, read.uuid, startOf(call, now, message));
      await actions.finishAction(tx, id, now);
      return id;
    });
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    actionId = null; // this request did it already
  }
  const instance = await current(call);
  if (actionId !== null) {
    call.logger.info({ uuid: read.uuid, action: call.name }, "server action done");
    c.notifier.instanceUpdated(instance, ctx);
    c.notifier.actionChanged(actionId, instance, ctx);
  }
  return instance;
}
