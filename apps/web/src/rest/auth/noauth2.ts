// Nova's `noauth2` test mode: the token *is* the identity, `X-Auth-Token: user:project` (project
// defaults to the user), and the user named `admin` is an administrator. For tests and development
// only; it trusts whatever the caller says.
import type { AuthContext } from "../context";
import type { AuthStrategy } from "./strategy";

export function noauth2(): AuthStrategy {
  return {
    name: "noauth2",
    async authenticate(token: string): Promise<AuthContext | null> {
      const sep = token.indexOf(":");
      const userId = sep === -1 ? token : token.slice(0, sep);
      const projectId = (sep === -1 ? "" : token.slice(sep + 1)) || userId;
      if (!userId) return null;
      const isAdmin = userId === "admin";
      // Keystone's implied roles: admin implies member implies reader.
      const roles = isAdmin ? ["admin", "member", "reader"] : ["member", "reader"];
      return { userId, projectId, roles, isAdmin };
    },
  };
}
