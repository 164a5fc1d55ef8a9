// conductor.authenticate: Keystone's password method. The argon2id check runs on libuv's thread
// pool (@node-rs/argon2 is async), so logins never stall the conductor's event loop.
import { verify } from "@node-rs/argon2";
import { authenticate, handler, RpcError, type Project } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import { authFailed, domainIdOf, dummyHash, scopeRoles, tokenData } from "../identity";
import {
  findLoginUser,
  findProject,
  insertToken,
  newAuditId,
  type Ref,
} from "../repositories/identity";

type ByIdOrName = { id: string } | { name: string; domain: { id: string } | { name: string } };

/** A Ref for the repository, or null when it names a domain that does not exist. */
function refOf(by: ByIdOrName): Ref | null {
  if ("id" in by) return { id: by.id };
  const domainId = domainIdOf(by.domain);
  return domainId === null ? null : { name: by.name, domainId };
}

export const authenticateHandler = (c: Conductor) =>
  handler(authenticate, async (req, meta) => {
    const userRef = refOf(req.user);
    const user = userRef && (await findLoginUser(c.sql, userRef));
    const passwordOk = await verify(user?.passwordHash ?? (await dummyHash()), req.password).catch(
      () => false,
    );
    if (!user?.passwordHash || !passwordOk || !user.enabled) {
      meta.logger.info({ userId: user?.id ?? null, enabled: user?.enabled }, "login refused");
      throw authFailed();
    }

    let project: Project | null = null;
    let domainId: string | null = null;
    const scope = req.scope;
    if (scope === null) {
      // Keystone scopes a token with no scope asked to the default project, if it grants a role.
      const dflt =
        user.defaultProjectId && (await findProject(c.sql, { id: user.defaultProjectId }));
      if (dflt && (await scopeRoles(c.sql, user, { project: dflt }))) project = dflt;
    } else if (scope !== "unscoped" && "project" in scope) {
      const ref = refOf(scope.project);
      project = ref && (await findProject(c.sql, ref));
      if (!project) throw noAccess(user.id, "project", JSON.stringify(scope.project));
    } else if (scope !== "unscoped") {
      domainId = domainIdOf(scope.domain);
      if (domainId === null) throw noAccess(user.id, "domain", JSON.stringify(scope.domain));
    }

    const roles = await scopeRoles(
      c.sql,
      user,
      project ? { project } : domainId ? { domainId } : null,
    );
    if (roles === null)
      throw noAccess(user.id, project ? "project" : "domain", project?.id ?? domainId!);

    const issuedAt = c.now();
    const expiresAt = new Date(issuedAt.getTime() + c.config.NIMBUS_TOKEN_TTL * 1000);
    const auditId = newAuditId();
    const methods = ["password"];
    await insertToken(c.sql, {
      tokenHash: req.tokenHash,
      userId: user.id,
      projectId: project?.id ?? null,
      domainId,
      methods,
      issuedAt,
      expiresAt,
      auditId,
    });
    meta.logger.info(
      { userId: user.id, projectId: project?.id ?? null, domainId, auditId },
      "token issued",
    );
    return tokenData({ user, project, domainId, roles, methods, auditId, issuedAt, expiresAt });
  });

/** Keystone's 401 for a scope the user may not have. */
const noAccess = (userId: string, kind: "project" | "domain", target: string) =>
  new RpcError("unauthorized", `User ${userId} has no access to ${kind} ${target}`);
