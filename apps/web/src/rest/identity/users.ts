// /v3/users (admin CRUD; a user may read itself and its projects).
import { DEFAULT_DOMAIN } from "@nimbus/rpc";
import { z } from "zod";
import {
  createUser,
  deleteUser,
  getUser,
  listUsers,
  updateUser,
  userProjects,
} from "../../services/identity";
import type { RouteModule } from "../app";
import { parseBody } from "../body";
import { requireToken } from "../auth/middleware";
import type { RestEnv } from "../context";
import { HttpError } from "../errors";
import { baseUrl } from "../links";
import { identityContext, queryFlag } from "./context";
import { listLinks, projectView, userView } from "./views";

const name = z.string().trim().min(1).max(255);
const password = z.string().min(1).max(4096).nullable();
const projectRef = z.string().min(1).max(255).nullable();
const email = z.string().max(255).nullable();

// Extra attributes Keystone would store (description, options, …) are accepted and not kept.
const createBody = z.object({
  user: z.object({
    name,
    domain_id: z.string().min(1).max(64).optional(),
    password: password.optional(),
    enabled: z.boolean().optional(),
    default_project_id: projectRef.optional(),
    email: email.optional(),
  }),
});

const updateBody = z.object({
  user: z.object({
    name: name.optional(),
    password: password.optional(),
    enabled: z.boolean().optional(),
    default_project_id: projectRef.optional(),
    email: email.optional(),
    domain_id: z.string().optional(),
  }),
});

export const users: RouteModule<RestEnv> = (r, deps) => {
  const token = requireToken(deps.auth);

  r.get("/users", token, async (c) => {
    const q = c.req.query();
    const base = baseUrl(c);
    const found = await listUsers(identityContext(c, deps), {
      ...(q.name !== undefined && { name: q.name }),
      ...(q.domain_id !== undefined && { domainId: q.domain_id }),
      ...(q.enabled !== undefined && { enabled: queryFlag(q.enabled) }),
    });
    return c.json({
      users: found.map((u) => userView(u, base)),
      links: listLinks(base, "/users", new URL(c.req.url).search),
    });
  });

  r.post("/users", token, async (c) => {
    const { user } = await parseBody(c, createBody);
    const domainId = user.domain_id ?? DEFAULT_DOMAIN.id;
    if (domainId !== DEFAULT_DOMAIN.id) {
      throw HttpError.notFound(`Could not find domain: ${domainId}.`);
    }
    const created = await createUser(identityContext(c, deps), {
      name: user.name,
      domainId,
      password: user.password ?? null,
      enabled: user.enabled ?? true,
      defaultProjectId: user.default_project_id ?? null,
      email: user.email ?? null,
    });
    return c.json({ user: userView(created, baseUrl(c)) }, 201);
  });

  r.get("/users/:id", token, async (c) => {
    const user = await getUser(identityContext(c, deps), c.req.param("id"));
    return c.json({ user: userView(user, baseUrl(c)) });
  });

  r.patch("/users/:id", token, async (c) => {
    const { user } = await parseBody(c, updateBody);
    const { domain_id, default_project_id, ...changes } = user;
    if (domain_id !== undefined && domain_id !== DEFAULT_DOMAIN.id) {
      throw HttpError.badRequest("Cannot change Domain ID.");
    }
    const updated = await updateUser(identityContext(c, deps), {
      id: c.req.param("id"),
      ...changes,
      ...(default_project_id !== undefined && { defaultProjectId: default_project_id }),
    });
    return c.json({ user: userView(updated, baseUrl(c)) });
  });

  r.delete("/users/:id", token, async (c) => {
    await deleteUser(identityContext(c, deps), c.req.param("id"));
    return c.body(null, 204);
  });

  r.get("/users/:id/projects", token, async (c) => {
    const id = c.req.param("id");
    const base = baseUrl(c);
    const found = await userProjects(identityContext(c, deps), id);
    return c.json({
      projects: found.map((p) => projectView(p, base)),
      links: listLinks(base, `/users/${id}/projects`),
    });
  });
};
