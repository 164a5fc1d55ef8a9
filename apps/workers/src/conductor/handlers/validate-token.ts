// conductor.validate_token: what a token stands for now. A token is only as good as its user, its
// project and the user's roles there at this moment, as with Keystone's Fernet tokens.
import { handler, validateToken } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import { authFailed, scopeRoles, tokenData } from "../identity";
import { findToken } from "../repositories/identity";

export const validateTokenHandler = (c: Conductor) =>
  handler(validateToken, async (req) => {
    const found = await findToken(c.sql, req.tokenHash);
    if (!found) throw authFailed();
    const { token, user, project } = found;
    if (token.revokedAt || token.expiresAt <= c.now() || !user.enabled) throw authFailed();
    const scope = project ? { project } : token.domainId ? { domainId: token.domainId } : null;
    const roles = await scopeRoles(c.sql, user, scope);
    if (roles === null) throw authFailed();
    return tokenData({ ...token, user, project, roles });
  });
