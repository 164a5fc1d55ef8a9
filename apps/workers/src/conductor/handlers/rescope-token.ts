// conductor.rescope_token: Keystone's `token` method. The presented token must be valid now (as
// validate_token judges it); the new one is for the same user on a project where the user holds a
// role, and expires with the original, so switching projects never lengthens a session.
import { handler, rescopeToken, RpcError } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import { authFailed, domainIdOf, scopeRoles, tokenData } from "../identity";
import { findProject, findToken, insertToken, newAuditId } from "../repositories/identity";

export const rescopeTokenHandler = (c: Conductor) =>
  handler(rescopeToken, async (req, meta) => {
    const found = await findToken(c.sql, req.tokenHash);
    if (!found) throw authFailed();
    const { token, user } = found;
    const now = c.now();
    if (token.revokedAt || token.expiresAt <= now || !user.enabled) throw authFailed();
    const scope = found.project
      ? { project: found.project }
      : token.domainId
        ? { domainId: token.domainId }
        : null;
    if ((await scopeRoles(c.sql, user, scope)) === null) throw authFailed();

    const asked = req.project;
    const domainId = "id" in asked ? null : domainIdOf(asked.domain);
    const project =
      "id" in asked
        ? await findProject(c.sql, { id: asked.id })
        : domainId && (await findProject(c.sql, { name: asked.name, domainId }));
    const roles = project && (await scopeRoles(c.sql, user, { project }));
    if (!project || !roles) {
      const named = "id" in asked ? asked.id : JSON.stringify(asked);
      meta.logger.info({ userId: user.id, project: named }, "re-scope refused");
      throw new RpcError("unauthorized", `User ${user.id} has no access to project ${named}`);
    }

    const auditId = newAuditId();
    // Keystone lists every method that went into a token: the original's, then `token`.
    const methods = [...new Set([...token.methods, "token"])];
    await insertToken(c.sql, {
      tokenHash: req.newTokenHash,
      userId: user.id,
      projectId: project.id,
      domainId: null,
      methods,
      issuedAt: now,
      expiresAt: token.expiresAt,
      auditId,
    });
    meta.logger.info(
      { userId: user.id, projectId: project.id, auditId, from: token.auditId },
      "token re-scoped",
    );
    return tokenData({
      user,
      project,
      domainId: null,
      roles,
      methods,
      auditId,
      issuedAt: now,
      expiresAt: token.expiresAt,
    });
  });
