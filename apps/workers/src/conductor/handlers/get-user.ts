// conductor.get_user: one user by id.
import { getUser, handler, RpcError } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import { getUser as get } from "../repositories/identity";

export const userNotFound = (id: string) =>
  new RpcError("not_found", `Could not find user: ${id}.`);

export const getUserHandler = (c: Conductor) =>
  handler(getUser, async (req) => {
    const user = await get(c.sql, req.id);
    if (!user) throw userNotFound(req.id);
    return user;
  });
