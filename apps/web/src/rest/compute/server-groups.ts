// /os-server-groups: list, show, create, delete, per microversion as
// nova/api/openstack/compute/server_groups.py: `policies` (a list of one) and `metadata` before
// 2.64, `policy` and `rules` from then; project and user ids from 2.13; soft policies from 2.15.
import type { ServerGroup } from "@nimbus/rpc";
import { z } from "zod";
import {
  createServerGroup,
  deleteServerGroup,
  getServerGroup,
  listServerGroups,
} from "../../services/server-groups";
import type { RouteModule } from "../app";
import { parseBody } from "../body";
import type { ComputeEnv } from "../context";
import { HttpError } from "../errors";
import type { Microversion } from "../microversion";
import { serviceContext } from "../service-context";
import { nameParam, positiveIntegerParam } from "./params";
import { nonNegativeInt, queryParams } from "./query-params";

export function serverGroupView(g: ServerGroup, version: Microversion) {
  const view: Record<string, unknown> = { id: g.uuid, name: g.name };
  if (version.atLeast("2.64")) {
    view.policy = g.policy;
    view.rules = g.rules;
  } else {
    view.policies = [g.policy];
    view.metadata = {};
  }
  view.members = g.members;
  if (version.atLeast("2.13")) {
    view.project_id = g.projectId;
    view.user_id = g.userId;
  }
  return view;
}

const HARD = ["affinity", "anti-affinity"] as const;
const ALL = ["affinity", "anti-affinity", "soft-affinity", "soft-anti-affinity"] as const;

export const createServerGroupSchema = (version: Microversion) =>
  z.strictObject({
    server_group: version.atLeast("2.64")
      ? z.strictObject({
          name: nameParam,
          policy: z.enum(ALL),
          rules: z
            .strictObject({ max_server_per_host: positiveIntegerParam.optional() })
            .optional(),
        })
      : z.strictObject({
          name: nameParam,
          policies: z.tuple([z.enum(version.atLeast("2.15") ? ALL : HARD)]),
        }),
  });

export const serverGroups: RouteModule<ComputeEnv> = (r, deps) => {
  r.get("/os-server-groups", async (c) => {
    const version = c.var.microversion;
    const q = queryParams(c.req.queries(), ["all_projects", "limit", "offset"], version);
    // Nova's common.limited: a limit of 0 (or none) is the maximum page.
    const limit = Math.min(nonNegativeInt(q.limit, "limit") || 1000, 1000);
    const groups = await listServerGroups(serviceContext(c, deps), {
      // Present at all means all, whatever its value, as in Nova.
      allProjects: q.all_projects !== undefined,
      limit,
      offset: nonNegativeInt(q.offset, "offset") ?? 0,
    });
    return c.json({ server_groups: groups.map((g) => serverGroupView(g, version)) });
  });

  r.get("/os-server-groups/:id", async (c) => {
    queryParams(c.req.queries(), [], c.var.microversion, "2.102");
    const group = await getServerGroup(serviceContext(c, deps), c.req.param("id"));
    return c.json({ server_group: serverGroupView(group, c.var.microversion) });
  });

  r.post("/os-server-groups", async (c) => {
    const version = c.var.microversion;
    const { server_group: body } = await parseBody(c, createServerGroupSchema(version));
    let policy: (typeof ALL)[number];
    let rules: { max_server_per_host?: number } = {};
    if ("policy" in body) {
      policy = body.policy;
      rules = body.rules ?? {};
      if (policy !== "anti-affinity" && Object.keys(rules).length > 0) {
        throw HttpError.badRequest("Only anti-affinity policy supports rules.");
      }
      // The scheduler keeps anti-affinity strict (one member per host), as Nova does for computes
      // too old for the rule; allowing more per host would be a promise it does not keep.
      if ((rules.max_server_per_host ?? 1) > 1) {
        throw HttpError.conflict(
          "Creating an anti-affinity group with rule max_server_per_host > 1 is not yet supported.",
        );
      }
    } else {
      policy = body.policies[0];
    }
    const group = await createServerGroup(serviceContext(c, deps), {
      name: body.name,
      policy,
      rules,
    });
    return c.json({ server_group: serverGroupView(group, version) });
  });

  r.delete("/os-server-groups/:id", async (c) => {
    await deleteServerGroup(serviceContext(c, deps), c.req.param("id"));
    return c.body(null, 204);
  });
};
