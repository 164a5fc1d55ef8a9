// conductor.revoke_role: DELETE /v3/projects/{p}/users/{u}/roles/{r}; the user's tokens on the
// project lose the role at once.
import { handler, revokeRole, RpcError } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import { revokeRole as revoke } from "../repositories/identity";

export const assignmentNotFound = () =>
  new RpcError(
    "not_found",
    "Could not find role assignment with the role, user and project given.",
  );

export const revokeRoleHandler = (c: Conductor) =>
  handler(revokeRole, async (req, meta) => {
    if (!(await revoke(c.sql, req))) throw assignmentNotFound();
    meta.logger.info(req, "role revoked");
    c.notifier.identityChanged(
      { kind: "assignment", id: req.projectId, userId: req.userId },
      meta.ctx,
    );
    return {};
  });
