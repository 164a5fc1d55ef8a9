// Servers: create, read, rename, delete and act on them. Every function authorizes with the policy
// table, then asks the conductor, which scopes lookups to the caller's project (another project's
// server is "not found") and guards every action's states.
import {
  RpcError,
  consoleOutput as consoleOutputContract,
  createServers as createServersContract,
  getServer as getServerContract,
  listServers as listServersContract,
  serverAction as serverActionContract,
  updateServer as updateServerContract,
  type Instance,
} from "@nimbus/rpc";
import { serverActions, type ServerActionName } from "@nimbus/rpc/domain";
import type { z } from "zod";
import { authorize, authorizeOn, busContext, projectScope, type ServiceContext } from "./context";

export type CreateServersInput = z.input<(typeof createServersContract)["request"]>;
export type ServerListRequest = z.input<(typeof listServersContract)["request"]>;
export type ServerChanges = z.input<(typeof updateServerContract)["request"]>["changes"];

export interface CreatedServers {
  reservationId: string;
  servers: Instance[];
}

export async function createServers(
  ctx: ServiceContext,
  input: CreateServersInput,
): Promise<CreatedServers> {
  authorize(ctx, "servers:create");
  if (input.forceHost) authorize(ctx, "servers:create:forced_host");
  const created = await ctx.bus.call(createServersContract, input, { ctx: busContext(ctx) });
  ctx.log.info(
    { reservationId: created.reservationId, uuids: created.servers.map((s) => s.uuid) },
    "servers accepted",
  );
  return created;
}

export interface ListServersInput {
  /** The detailed list (servers:detail) rather than the index (servers:index). */
  detail: boolean;
  /** Every project's servers (admins), optionally narrowed to `projectId`. */
  allTenants: boolean;
  projectId?: string;
  filters: ServerListRequest["filters"];
  sort: ServerListRequest["sort"];
  limit?: number;
  marker?: string;
  /** The filters are known to select no server (an IP, say): authorize, then answer []. */
  selectsNothing?: boolean;
}

export async function listServers(
  ctx: ServiceContext,
  input: ListServersInput,
): Promise<Instance[]> {
  authorize(ctx, input.detail ? "servers:detail" : "servers:index");
  if (input.allTenants) authorize(ctx, "servers:index:all_tenants");
  if (input.selectsNothing) return [];
  // Without all_tenants even an admin lists its own project, as in Nova.
  const projectId = input.allTenants ? (input.projectId ?? null) : ctx.projectId;
  const { servers } = await ctx.bus.call(
    listServersContract,
    {
      projectId,
      filters: input.filters,
      sort: input.sort,
      ...(input.limit !== undefined && { limit: input.limit }),
      ...(input.marker !== undefined && { marker: input.marker }),
    },
    { ctx: busContext(ctx) },
  );
  return servers;
}

/** One server (any id that is not one of the caller's servers is not found). */
export async function getServer(ctx: ServiceContext, uuid: string): Promise<Instance> {
  checkRef(uuid);
  const server = await lookup(ctx, uuid);
  authorize(ctx, "servers:show", server.projectId);
  return server;
}

export async function updateServer(
  ctx: ServiceContext,
  uuid: string,
  changes: ServerChanges,
): Promise<Instance> {
  checkRef(uuid);
  await authorizeOn(ctx, "servers:update", () => lookup(ctx, uuid));
  const server = await ctx.bus.call(
    updateServerContract,
    { uuid, projectId: projectScope(ctx), changes },
    { ctx: busContext(ctx) },
  );
  ctx.log.info({ uuid, fields: Object.keys(changes) }, "server updated");
  return server;
}

export interface ActionArgs {
  /** resize */
  flavorRef?: string;
  /** reset-state */
  resetTo?: "active" | "error";
  /** lock (API ≥ 2.73) */
  lockedReason?: string;
}

/**
 * Run one of the server actions (packages/rpc/src/domain/server-actions), delete included. The
 * conductor checks the action's guard and moves the task state with a compare-and-swap, so a
 * server in the wrong state, or a racing action, is a `conflict` with Nova's message.
 */
export async function serverAction(
  ctx: ServiceContext,
  uuid: string,
  action: ServerActionName,
  args: ActionArgs = {},
): Promise<Instance> {
  checkRef(uuid);
  const { policy } = serverActions[action];
  await authorizeOn(ctx, policy, () => lookup(ctx, uuid));
  const server = await ctx.bus.call(
    serverActionContract,
    { uuid, projectId: projectScope(ctx), action, ...args },
    { ctx: busContext(ctx) },
  );
  ctx.log.info({ uuid, action, taskState: server.taskState }, "server action accepted");
  return server;
}

export function deleteServer(ctx: ServiceContext, uuid: string): Promise<Instance> {
  return serverAction(ctx, uuid, "delete");
}

/** The last `length` lines of the server's serial console log (all of it when absent). */
export async function consoleOutput(
  ctx: ServiceContext,
  uuid: string,
  length?: number,
): Promise<string> {
  checkRef(uuid);
  await authorizeOn(ctx, "servers:console_output", () => lookup(ctx, uuid));
  const { output } = await ctx.bus.call(
    consoleOutputContract,
    { uuid, projectId: projectScope(ctx), ...(length !== undefined && { length }) },
    { ctx: busContext(ctx) },
  );
  return output;
}

/** The server in the caller's scope, without a policy check: for `authorizeOn` lookups. */
export async function lookup(ctx: ServiceContext, uuid: string): Promise<Instance> {
  return ctx.bus.call(
    getServerContract,
    { uuid, projectId: projectScope(ctx) },
    { ctx: busContext(ctx) },
  );
}

/** No server has an id longer than the column (and the contracts refuse one): not found. */
function checkRef(uuid: string): void {
  if (uuid.length > 255) throw serverNotFound(uuid);
}

export function serverNotFound(uuid: string): RpcError {
  return new RpcError("not_found", `Instance ${uuid} could not be found.`);
}
