// The TypeScript counterpart of Nova's @wrap_instance_event + @reverts_task_state +
// @wrap_instance_fault around every compute operation on an existing instance: start the action's
// event, do the work, then report the outcome in one conductor.instance_update that also finishes
// the event (one round trip less) — or, on failure, clear the task state, finish the event with the
// traceback and record a fault.
import {
  actionEvent,
  getServer,
  instanceDestroyed,
  instanceUpdate,
  isRpcError,
  type Instance,
  type HandlerMeta,
  type Logger,
  type RequestContext,
  type RpcError,
} from "@nimbus/rpc";
import { serverActions, type ServerActionName, type TaskState } from "@nimbus/rpc/domain";
import type { z } from "zod";
import type { ComputeDeps } from "./deps";
import { VirtError } from "./virt/driver";

export type InstanceChanges = z.input<typeof instanceUpdate.request>["changes"];

/** What a finished operation tells the cloud: new states, or that the instance is gone. */
export type OperationResult = { changes: InstanceChanges } | { destroyed: true };

export interface OperationContext {
  logger: Logger;
  ctx: RequestContext;
  /** A replay of a message whose first run may have done the work already: be idempotent. */
  redelivered: boolean;
}

export interface InstanceOperation<P extends { instance: Instance }> {
  /** Nova's event name, e.g. compute_stop_instance. */
  event: string;
  /** The task state the conductor set for this action (packages/rpc/src/domain/server-actions). */
  taskState: (payload: P) => TaskState;
  run(payload: P, op: OperationContext): Promise<OperationResult>;
  /** Changes besides clearing the task state when the work fails (terminate: vm_state error). */
  onFailure?: InstanceChanges;
}

/** The task state the conductor sets when it accepts an action (one definition for everyone). */
export function taskStateOf(action: ServerActionName): TaskState {
  const taskState = serverActions[action].taskState;
  if (!taskState) throw new Error(`${action} sets no task state`);
  return taskState;
}

const MAX_TRACEBACK = 65_535;
const MAX_FAULT_MESSAGE = 255;

/** Wrap an operation into a cast handler. */
export function instanceOperation<P extends { instance: Instance }>(
  deps: ComputeDeps,
  op: InstanceOperation<P>,
): (payload: P, meta: HandlerMeta) => Promise<void> {
  const { bus, host, tracker } = deps;
  return async (payload, meta) => {
    const { uuid } = payload.instance;
    const taskState = op.taskState(payload);
    const logger = meta.logger.child({ uuid, event: op.event });
    const opts = { ctx: meta.ctx };
    const events = eventReporter(deps, uuid, op.event, meta.ctx, logger);
    const redelivered = meta.redelivered || meta.deliveryCount > 0;
    const end = tracker.begin(uuid);
    try {
      // A redelivered cast may be one whose outcome is already recorded (the ack was lost): do it
      // again only if the server still waits for it.
      if (redelivered && !(await stillWaiting(deps, uuid, taskState, meta))) {
        logger.info({ taskState }, "redelivered; the server no longer waits for it, dropped");
        return;
      }
      // The start event travels while the hypervisor works; it is awaited before the finish.
      const started = events.start();
      let result: OperationResult | undefined;
      let failure: unknown;
      try {
        result = await op.run(payload, { logger, ctx: meta.ctx, redelivered });
      } catch (err) {
        failure = err;
      }
      await started;

      if (result && "destroyed" in result) {
        await events.finish("Success");
        await bus.call(instanceDestroyed, { uuid, host }, opts);
        tracker.forget(uuid);
        logger.info("instance destroyed");
        return;
      }

      const traceback = failure === undefined ? undefined : tracebackOf(failure);
      const update = {
        uuid,
        host,
        expectedTaskState: [taskState],
        changes: result ? result.changes : { ...op.onFailure, taskState: null },
        event: {
          event: op.event,
          phase: "finish" as const,
          result: result ? ("Success" as const) : ("Error" as const),
          traceback,
        },
        fault: result
          ? undefined
          : { code: 500, message: faultMessage(failure), details: traceback ?? null },
      };
      if (failure !== undefined) logger.error({ err: failure }, `${op.event} failed`);
      try {
        const server = await bus.call(instanceUpdate, update, opts);
        tracker.reportedState(uuid, server.powerState);
        if (result) logger.info({ changes: result.changes }, `${op.event} done`);
      } catch (err) {
        if (!isGoneOrChanged(err)) throw err;
        // Someone else decided meanwhile (deleted, reset, a hard reboot took over): theirs stands.
        logger.info(
          { code: err.code, message: err.message },
          "outcome not recorded: the server moved on",
        );
        if (isRpcError(err, "conflict")) await events.finish(update.event.result, traceback);
      }
    } finally {
      end();
    }
  };
}

/** Starts and finishes one event of the request's action; a failure to record it is only logged. */
export function eventReporter(
  deps: ComputeDeps,
  uuid: string,
  event: string,
  ctx: RequestContext,
  logger: Logger,
) {
  const send = (phase: "start" | "finish", result?: "Success" | "Error", traceback?: string) =>
    deps.bus
      .call(actionEvent, { uuid, host: deps.host, event, phase, result, traceback }, { ctx })
      .then(
        () => undefined,
        (err: unknown) => logger.warn({ err, phase }, "could not record the action event"),
      );
  return {
    start: () => send("start"),
    finish: (result: "Success" | "Error", traceback?: string) => send("finish", result, traceback),
  };
}

async function stillWaiting(
  deps: ComputeDeps,
  uuid: string,
  taskState: TaskState,
  meta: HandlerMeta,
): Promise<boolean> {
  try {
    const server = await deps.bus.call(getServer, { uuid, projectId: null }, { ctx: meta.ctx });
    return server.host === deps.host && server.taskState === taskState;
  } catch (err) {
    if (isRpcError(err, "not_found")) return false;
    throw err;
  }
}

/** The conductor's answers that mean "not yours to record any more". */
export function isGoneOrChanged(err: unknown): err is RpcError {
  return isRpcError(err, "conflict") || isRpcError(err, "not_found");
}

/** The fault message users see: the driver's words, which are written for them. */
export function faultMessage(err: unknown): string {
  const message =
    err instanceof VirtError || err instanceof Error
      ? err.message
      : `unexpected failure: ${String(err)}`;
  return message.length > MAX_FAULT_MESSAGE
    ? `${message.slice(0, MAX_FAULT_MESSAGE - 1)}…`
    : message;
}

/** Nova's fault details: the traceback, with the causes' stacks after it. */
export function tracebackOf(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err, depth = 0; e !== undefined && depth < 5; depth++) {
    parts.push(e instanceof Error ? (e.stack ?? `${e.name}: ${e.message}`) : String(e));
    e = e instanceof Error ? e.cause : undefined;
  }
  return parts.join("\nCaused by: ").slice(0, MAX_TRACEBACK);
}
