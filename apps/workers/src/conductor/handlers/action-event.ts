// conductor.action_event: a service starts or finishes a step of the action its request started.
import { actionEvent, handler, RpcError } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import * as actions from "../repositories/actions";
import { getInstance } from "../repositories/instances";

export const actionEventHandler = (c: Conductor) =>
  handler(actionEvent, async (req, meta) => {
    const actionId = await actions.findActionId(c.sql, req.uuid, meta.ctx.requestId);
    if (actionId === null) {
      throw new RpcError(
        "not_found",
        `Action for request_id ${meta.ctx.requestId} on instance ${req.uuid} not found`,
      );
    }
    const now = c.now();
    if (req.phase === "start") await actions.startEvent(c.sql, actionId, req.event, req.host, now);
    else {
      await actions.finishEvent(
        c.sql,
        actionId,
        req.event,
        {
          result: req.result ?? "Success",
          traceback: req.traceback,
          details: req.details,
          host: req.host,
        },
        now,
      );
    }
    const record = await getInstance(c.sql, req.uuid, { projectId: null, withDeleted: true });
    c.notifier.actionChanged(
      actionId,
      { uuid: req.uuid, name: record?.instance.name ?? "" },
      meta.ctx,
    );
    return {};
  });
