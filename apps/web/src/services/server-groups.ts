// Server groups: placement policies for the servers created into them. A group is read and
// deleted under the policy of the project that owns it (another project's group is 403, as Nova).
import {
  createServerGroup as createServerGroupContract,
  deleteServerGroup as deleteServerGroupContract,
  getServerGroup as getServerGroupContract,
  listServerGroups as listServerGroupsContract,
  RpcError,
  type ServerGroup,
  type ServerGroupPolicy,
} from "@nimbus/rpc";
import { isAdmin } from "@nimbus/rpc/domain";
import { z } from "zod";
import { authorize, busContext, type ServiceContext } from "./context";

export interface ListServerGroupsInput {
  /** every project's groups: honoured for admins only (Nova ignores it for others) */
  allProjects?: boolean;
  limit?: number;
  offset?: number;
}

export async function listServerGroups(
  ctx: ServiceContext,
  input: ListServerGroupsInput = {},
): Promise<ServerGroup[]> {
  authorize(ctx, "server_groups:index", ctx.projectId);
  const all = input.allProjects === true && isAdmin(ctx);
  if (all) authorize(ctx, "server_groups:index:all_projects");
  const { serverGroups } = await ctx.bus.call(
    listServerGroupsContract,
    {
      projectId: all ? null : ctx.projectId,
      limit: input.limit ?? 1000,
      offset: input.offset ?? 0,
    },
    { ctx: busContext(ctx) },
  );
  return serverGroups;
}

const notFound = (uuid: string) =>
  new RpcError("not_found", `Instance group ${uuid} could not be found.`);

async function lookup(ctx: ServiceContext, uuid: string): Promise<ServerGroup> {
  if (!z.uuid().safeParse(uuid).success) throw notFound(uuid);
  return ctx.bus.call(getServerGroupContract, { uuid }, { ctx: busContext(ctx) });
}

export async function getServerGroup(ctx: ServiceContext, uuid: string): Promise<ServerGroup> {
  const group = await lookup(ctx, uuid);
  authorize(ctx, "server_groups:show", group.projectId);
  return group;
}

export interface NewServerGroup {
  name: string;
  policy: ServerGroupPolicy;
  rules: { max_server_per_host?: number };
}

export async function createServerGroup(
  ctx: ServiceContext,
  input: NewServerGroup,
): Promise<ServerGroup> {
  authorize(ctx, "server_groups:create", ctx.projectId);
  const group = await ctx.bus.call(createServerGroupContract, input, { ctx: busContext(ctx) });
  ctx.log.info({ uuid: group.uuid, policy: group.policy }, "server group created");
  return group;
}

export async function deleteServerGroup(ctx: ServiceContext, uuid: string): Promise<void> {
  const group = await lookup(ctx, uuid);
  authorize(ctx, "server_groups:delete", group.projectId);
  await ctx.bus.call(deleteServerGroupContract, { uuid: group.uuid }, { ctx: busContext(ctx) });
  ctx.log.info({ uuid }, "server group deleted");
}
