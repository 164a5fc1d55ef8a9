// os-instance-actions: what was done to a server, by whom, and how each step went. Also answers for
// deleted servers (the conductor keeps their actions), as Nova does from 2.21.
import { listInstanceActions, RpcError, type InstanceAction } from "@nimbus/rpc";
import { authorizeOn, busContext, projectScope, type ServiceContext } from "./context";
import { lookup, serverNotFound } from "./servers";

export interface ListActionsInput {
  changesSince?: string;
  changesBefore?: string;
  limit?: number;
  /** the request id of the last action of the previous page */
  marker?: string;
}

/** A server's actions, newest first, each with its events. */
export async function listActions(
  ctx: ServiceContext,
  uuid: string,
  input: ListActionsInput = {},
): Promise<InstanceAction[]> {
  if (uuid.length > 255) throw serverNotFound(uuid);
  await authorizeOn(ctx, "servers:instance_actions", () => lookup(ctx, uuid));
  const { actions } = await ctx.bus.call(
    listInstanceActions,
    { uuid, projectId: projectScope(ctx), ...input },
    { ctx: busContext(ctx) },
  );
  return actions;
}

/** One action by the request id that started it. */
export async function getAction(
  ctx: ServiceContext,
  uuid: string,
  requestId: string,
): Promise<InstanceAction> {
  if (uuid.length > 255) throw serverNotFound(uuid);
  await authorizeOn(ctx, "servers:instance_actions", () => lookup(ctx, uuid));
  const notFound = new RpcError("not_found", `Action ${requestId} not found`);
  if (requestId.length > 255) throw notFound;
  const { actions } = await ctx.bus.call(
    listInstanceActions,
    { uuid, projectId: projectScope(ctx), requestId },
    { ctx: busContext(ctx) },
  );
  const action = actions[0];
  if (!action) throw notFound;
  return action;
}
