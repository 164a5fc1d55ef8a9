// conductor.list_users: GET /v3/users.
import { handler, listUsers } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import { listUsers as list } from "../repositories/identity";

export const listUsersHandler = (c: Conductor) =>
  handler(listUsers, async (req) => ({ users: await list(c.sql, req) }));
