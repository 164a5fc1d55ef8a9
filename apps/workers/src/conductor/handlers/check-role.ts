// conductor.check_role: HEAD /v3/projects/{p}/users/{u}/roles/{r}.
import { checkRole, handler } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import { hasAssignment } from "../repositories/identity";
import { assignmentNotFound } from "./revoke-role";

export const checkRoleHandler = (c: Conductor) =>
  handler(checkRole, async (req) => {
    if (!(await hasAssignment(c.sql, req))) throw assignmentNotFound();
    return {};
  });
