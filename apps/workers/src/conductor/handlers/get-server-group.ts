// conductor.get_server_group: one server group with its live members.
import { getServerGroup, handler, RpcError } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import { getServerGroup as readGroup } from "../repositories/server-groups";

export const groupNotFound = (uuid: string) =>
  new RpcError("not_found", `Instance group ${uuid} could not be found.`);

export const getServerGroupHandler = (c: Conductor) =>
  handler(getServerGroup, async (req) => {
    const group = await readGroup(c.sql, req.uuid);
    if (!group) throw groupNotFound(req.uuid);
    return group;
  });
