// conductor.list_role_assignments: GET /v3/role_assignments, with names.
import { handler, listRoleAssignments } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import { listAssignments } from "../repositories/identity";

export const listRoleAssignmentsHandler = (c: Conductor) =>
  handler(listRoleAssignments, async (req) => ({ assignments: await listAssignments(c.sql, req) }));
