// conductor.grant_role: PUT /v3/projects/{p}/users/{u}/roles/{r}.
import { grantRole, handler } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import { findProject, getRole, getUser, grantRole as grant } from "../repositories/identity";
import { projectNotFound } from "./get-project";
import { roleNotFound } from "./get-role";
import { userNotFound } from "./get-user";

export const grantRoleHandler = (c: Conductor) =>
  handler(grantRole, async (req, meta) => {
    const [project, user, role] = await Promise.all([
      findProject(c.sql, { id: req.projectId }),
      getUser(c.sql, req.userId),
      getRole(c.sql, req.roleId),
    ]);
    if (!project) throw projectNotFound(req.projectId);
    if (!user) throw userNotFound(req.userId);
    if (!role) throw roleNotFound(req.roleId);
    await grant(c.sql, req);
    meta.logger.info({ ...req, role: role.name }, "role granted");
    c.notifier.identityChanged(
      { kind: "assignment", id: req.projectId, userId: req.userId },
      meta.ctx,
    );
    return {};
  });
