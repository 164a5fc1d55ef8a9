// /v3/roles: global roles only (admin CRUD); domain-specific roles are not supported.
import { z } from "zod";
import { createRole, deleteRole, getRole, listRoles } from "../../services/identity";
import type { RouteModule } from "../app";
import { parseBody } from "../body";
import { requireToken } from "../auth/middleware";
import type { RestEnv } from "../context";
import { HttpError } from "../errors";
import { baseUrl } from "../links";
import { identityContext } from "./context";
import { listLinks, roleView } from "./views";

const createBody = z.object({
  role: z.object({
    name: z.string().trim().min(1).max(255),
    domain_id: z.string().nullable().optional(),
  }),
});

export const roles: RouteModule<RestEnv> = (r, deps) => {
  const token = requireToken(deps.auth);

  r.get("/roles", token, async (c) => {
    const base = baseUrl(c);
    const { name, domain_id } = c.req.query();
    // Every role here is global: a domain's own roles are none.
    const found = domain_id ? [] : await listRoles(identityContext(c, deps), name);
    return c.json({
      roles: found.map((role) => roleView(role, base)),
      links: listLinks(base, "/roles", new URL(c.req.url).search),
    });
  });

  r.post("/roles", token, async (c) => {
    const { role } = await parseBody(c, createBody);
    if (role.domain_id) throw HttpError.badRequest("Domain-specific roles are not supported.");
    const created = await createRole(identityContext(c, deps), role.name);
    return c.json({ role: roleView(created, baseUrl(c)) }, 201);
  });

  r.get("/roles/:id", token, async (c) => {
    const role = await getRole(identityContext(c, deps), c.req.param("id"));
    return c.json({ role: roleView(role, baseUrl(c)) });
  });

  r.delete("/roles/:id", token, async (c) => {
    await deleteRole(identityContext(c, deps), c.req.param("id"));
    return c.body(null, 204);
  });
};
