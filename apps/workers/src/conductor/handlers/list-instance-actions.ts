// conductor.list_instance_actions: os-instance-actions, newest first, also of deleted servers.
import { handler, listInstanceActions, RpcError } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import { instanceNotFound } from "../messages";
import { listActions } from "../repositories/actions";
import { getInstance } from "../repositories/instances";
import { isUuid } from "./get-server";

export const listInstanceActionsHandler = (c: Conductor) =>
  handler(listInstanceActions, async (req) => {
    if (!isUuid(req.uuid)) throw instanceNotFound(req.uuid);
    const record = await getInstance(c.sql, req.uuid, {
      projectId: req.projectId,
      withDeleted: true,
    });
    if (!record) throw instanceNotFound(req.uuid);
    const actions = await listActions(c.sql, req.uuid, {
      requestId: req.requestId,
      changesSince: req.changesSince ? new Date(req.changesSince) : undefined,
      changesBefore: req.changesBefore ? new Date(req.changesBefore) : undefined,
      limit: req.limit,
      marker: req.marker,
    });
    if (actions === "marker") throw new RpcError("invalid", `marker [${req.marker}] not found`);
    if (req.requestId !== undefined && actions.length === 0) {
      throw new RpcError(
        "not_found",
        `Action for request_id ${req.requestId} on instance ${req.uuid} not found`,
      );
    }
    return { actions };
  });
