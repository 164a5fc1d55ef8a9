// conductor.list_roles: GET /v3/roles.
import { handler, listRoles } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import { listRoles as list } from "../repositories/identity";

export const listRolesHandler = (c: Conductor) =>
  handler(listRoles, async (req) => ({ roles: await list(c.sql, req) }));
