// /v3/domains: read-only, and only the one domain there is ("default", named "Default").
import { DEFAULT_DOMAIN } from "@nimbus/rpc";
import { allowed } from "@nimbus/rpc/domain";
import type { RouteModule } from "../app";
import { requireToken } from "../auth/middleware";
import type { RestEnv } from "../context";
import { HttpError } from "../errors";
import { baseUrl } from "../links";
import { forbidden } from "../../services/context";
import { listLinks, domainView } from "./views";

export const domains: RouteModule<RestEnv> = (r, deps) => {
  const token = requireToken(deps.auth);

  r.get("/domains", token, (c) => {
    if (!allowed(c.var.holder!, "identity:list_domains")) throw forbidden("identity:list_domains");
    const base = baseUrl(c);
    const { name, enabled } = c.req.query();
    const matches =
      (name === undefined || name === DEFAULT_DOMAIN.name) &&
      (enabled === undefined || !["0", "false"].includes(enabled.toLowerCase()));
    return c.json({
      domains: matches ? [domainView(base)] : [],
      links: listLinks(base, "/domains"),
    });
  });

  r.get("/domains/:id", token, (c) => {
    if (c.req.param("id") !== DEFAULT_DOMAIN.id) {
      throw HttpError.notFound(`Could not find domain: ${c.req.param("id")}.`);
    }
    if (!allowed(c.var.holder!, "identity:get_domain")) throw forbidden("identity:get_domain");
    return c.json({ domain: domainView(baseUrl(c)) });
  });
};
