// conductor.get_role: one role by id.
import { getRole, handler, RpcError } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import { getRole as get } from "../repositories/identity";

export const roleNotFound = (id: string) =>
  new RpcError("not_found", `Could not find role: ${id}.`);

export const getRoleHandler = (c: Conductor) =>
  handler(getRole, async (req) => {
    const role = await get(c.sql, req.id);
    if (!role) throw roleNotFound(req.id);
    return role;
  });
