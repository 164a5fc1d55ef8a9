// GET /v3/role_assignments. Assignments here are direct, on projects, to users: filters on
// groups, domains or the system select none, and `effective` lists the same assignments.
import { listRoleAssignments } from "../../services/identity";
import type { RouteModule } from "../app";
import { requireToken } from "../auth/middleware";
import type { RestEnv } from "../context";
import { baseUrl } from "../links";
import { identityContext, queryFlag } from "./context";
import { assignmentView, listLinks } from "./views";

const SELECT_NONE = [
  "group.id",
  "scope.domain.id",
  "scope.system",
  "scope.OS-INHERIT:inherited_to",
];

export const roleAssignments: RouteModule<RestEnv> = (r, deps) => {
  r.get("/role_assignments", requireToken(deps.auth), async (c) => {
    const q = c.req.query();
    const base = baseUrl(c);
    const found = await listRoleAssignments(identityContext(c, deps), {
      ...(q["user.id"] !== undefined && { userId: q["user.id"] }),
      ...(q["scope.project.id"] !== undefined && { projectId: q["scope.project.id"] }),
      ...(q["role.id"] !== undefined && { roleId: q["role.id"] }),
    });
    const none = SELECT_NONE.some((k) => q[k] !== undefined);
    const withNames = queryFlag(q.include_names) ?? false;
    return c.json({
      role_assignments: none ? [] : found.map((a) => assignmentView(a, base, withNames)),
      links: listLinks(base, "/role_assignments", new URL(c.req.url).search),
    });
  });
};
