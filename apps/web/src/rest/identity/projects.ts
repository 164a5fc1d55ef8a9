// /v3/projects (admin CRUD; a project's members may read it) and the role grants on a project:
// /v3/projects/{p}/users/{u}/roles[/{r}].
import { DEFAULT_DOMAIN } from "@nimbus/rpc";
import { z } from "zod";
import {
  checkRole,
  createProject,
  deleteProject,
  getProject,
  grantRole,
  listProjects,
  revokeRole,
  rolesOf,
  updateProject,
} from "../../services/identity";
import type { RouteModule } from "../app";
import { parseBody } from "../body";
import { requireToken } from "../auth/middleware";
import type { RestEnv } from "../context";
import { HttpError } from "../errors";
import { baseUrl } from "../links";
import { identityContext, queryFlag } from "./context";
import { listLinks, projectView, roleView } from "./views";

const name = z.string().trim().min(1).max(64);
const description = z.string().max(65_535).nullable();

// Extra attributes Keystone would store (tags, options, …) are accepted and not kept.
const createBody = z.object({
  project: z.object({
    name,
    domain_id: z.string().min(1).max(64).optional(),
    description: description.optional(),
    enabled: z.boolean().optional(),
    parent_id: z.string().max(64).nullable().optional(),
    is_domain: z.boolean().optional(),
  }),
});

const updateBody = z.object({
  project: z.object({
    name: name.optional(),
    description: description.optional(),
    enabled: z.boolean().optional(),
    domain_id: z.string().optional(),
  }),
});

/** There is one domain and no project hierarchy: say so rather than ignore what was asked. */
function domainFor(project: z.output<typeof createBody>["project"]): string {
  const domainId = project.domain_id ?? DEFAULT_DOMAIN.id;
  if (domainId !== DEFAULT_DOMAIN.id)
    throw HttpError.notFound(`Could not find domain: ${domainId}.`);
  if (project.is_domain)
    throw HttpError.badRequest("Projects acting as domains are not supported.");
  if (project.parent_id && project.parent_id !== domainId) {
    throw HttpError.badRequest(
      "Project hierarchies are not supported: the parent must be the domain.",
    );
  }
  return domainId;
}

export const projects: RouteModule<RestEnv> = (r, deps) => {
  const token = requireToken(deps.auth);

  r.get("/projects", token, async (c) => {
    const q = c.req.query();
    const base = baseUrl(c);
    const found = await listProjects(identityContext(c, deps), {
      ...(q.name !== undefined && { name: q.name }),
      ...(q.domain_id !== undefined && { domainId: q.domain_id }),
      ...(q.enabled !== undefined && { enabled: queryFlag(q.enabled) }),
    });
    // No project is a domain.
    const list = queryFlag(q.is_domain) ? [] : found;
    return c.json({
      projects: list.map((p) => projectView(p, base)),
      links: listLinks(base, "/projects", new URL(c.req.url).search),
    });
  });

  r.post("/projects", token, async (c) => {
    const { project } = await parseBody(c, createBody);
    const created = await createProject(identityContext(c, deps), {
      name: project.name,
      domainId: domainFor(project),
      description: project.description ?? null,
      enabled: project.enabled ?? true,
    });
    return c.json({ project: projectView(created, baseUrl(c)) }, 201);
  });

  r.get("/projects/:id", token, async (c) => {
    const project = await getProject(identityContext(c, deps), c.req.param("id"));
    return c.json({ project: projectView(project, baseUrl(c)) });
  });

  r.patch("/projects/:id", token, async (c) => {
    const { project } = await parseBody(c, updateBody);
    const { domain_id, ...changes } = project;
    if (domain_id !== undefined && domain_id !== DEFAULT_DOMAIN.id) {
      throw HttpError.badRequest("Cannot change Domain ID.");
    }
    const updated = await updateProject(identityContext(c, deps), {
      id: c.req.param("id"),
      ...changes,
    });
    return c.json({ project: projectView(updated, baseUrl(c)) });
  });

  r.delete("/projects/:id", token, async (c) => {
    await deleteProject(identityContext(c, deps), c.req.param("id"));
    return c.body(null, 204);
  });

  // Role grants on a project.
  r.get("/projects/:project/users/:user/roles", token, async (c) => {
    const base = baseUrl(c);
    const { project, user } = c.req.param();
    const roles = await rolesOf(identityContext(c, deps), project, user);
    return c.json({
      roles: roles.map((role) => roleView(role, base)),
      links: listLinks(base, `/projects/${project}/users/${user}/roles`),
    });
  });

  const assignment = (p: { project: string; user: string; role: string }) => ({
    projectId: p.project,
    userId: p.user,
    roleId: p.role,
  });
  const grantPath = "/projects/:project/users/:user/roles/:role";
  r.put(grantPath, token, async (c) => {
    await grantRole(identityContext(c, deps), assignment(c.req.param()));
    return c.body(null, 204);
  });
  // GET also answers HEAD, Keystone's way to check a grant.
  r.get(grantPath, token, async (c) => {
    await checkRole(identityContext(c, deps), assignment(c.req.param()));
    return c.body(null, 204);
  });
  r.delete(grantPath, token, async (c) => {
    await revokeRole(identityContext(c, deps), assignment(c.req.param()));
    return c.body(null, 204);
  });
};
