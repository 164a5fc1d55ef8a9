// /os-quota-sets/{project}[/detail|/defaults] and /os-quota-class-sets/{class}, as
// nova/api/openstack/compute/quota_sets.py and quota_classes.py: which resources each microversion
// shows and takes (2.36 drops the network ones from quota sets, 2.50 from quota classes, where it
// adds the server group ones; 2.57 drops the injected files).
//
// NOTE(nimbus): per-user quotas (`?user_id=`) are not kept: every limit is a project's, so a
// request naming a user is refused rather than answered with the project's numbers.
import { QUOTA_RESOURCES, type QuotaChanges, type QuotaResource, type QuotaSet } from "@nimbus/rpc";
import type { Context } from "hono";
import { z } from "zod";
import {
  deleteProjectQuotas,
  getDefaultQuotas,
  getProjectQuotas,
  quotaClass,
  updateProjectQuotas,
  type ProjectQuotas,
} from "../../services/quotas";
import type { RouteModule } from "../app";
import { parseBody } from "../body";
import type { ComputeEnv } from "../context";
import { HttpError } from "../errors";
import type { Microversion } from "../microversion";
import { serviceContext } from "../service-context";
import { booleanParam } from "./params";
import { queryParams } from "./query-params";

const NETWORK: QuotaResource[] = [
  "fixed_ips",
  "floating_ips",
  "security_groups",
  "security_group_rules",
];
const INJECTED: QuotaResource[] = [
  "injected_files",
  "injected_file_content_bytes",
  "injected_file_path_bytes",
];
const GROUPS: QuotaResource[] = ["server_groups", "server_group_members"];

/** The resources os-quota-sets shows and takes at a microversion. */
export function quotaSetResources(version: Microversion): QuotaResource[] {
  const hidden = [
    ...(version.atLeast("2.36") ? NETWORK : []),
    ...(version.atLeast("2.57") ? INJECTED : []),
  ];
  return QUOTA_RESOURCES.filter((r) => !hidden.includes(r));
}

/** The resources os-quota-class-sets shows at a microversion (it takes all of them before 2.50). */
export function quotaClassResources(version: Microversion): QuotaResource[] {
  const hidden = version.atLeast("2.50")
    ? [...NETWORK, ...(version.atLeast("2.57") ? INJECTED : [])]
    : GROUPS;
  return QUOTA_RESOURCES.filter((r) => !hidden.includes(r));
}

export function quotaSetView(
  limits: QuotaSet,
  resources: readonly QuotaResource[],
  id?: string,
): Record<string, unknown> {
  return {
    ...(id !== undefined && { id }),
    ...Object.fromEntries(resources.map((r) => [r, limits[r]])),
  };
}

/** /detail: every resource as {in_use, limit, reserved}; Nova counts key pairs and group members as 0 here. */
export function quotaDetailView(
  quotas: ProjectQuotas,
  resources: readonly QuotaResource[],
  id: string,
): Record<string, unknown> {
  const used = quotas.usage as Partial<Record<QuotaResource, number>>;
  return {
    id,
    ...Object.fromEntries(
      resources.map((r) => [r, { in_use: used[r] ?? 0, limit: quotas.limits[r], reserved: 0 }]),
    ),
  };
}

/** parameter_types' quota value: an integer or a string of one, from -1 up to the INT maximum. */
const quotaValue = z
  .union([z.number().int(), z.string().regex(/^-?[0-9]+$/)])
  .transform(Number)
  .pipe(z.number().int().min(-1).max(0x7fffffff));

const limitsShape = (resources: readonly QuotaResource[]) =>
  Object.fromEntries(resources.map((r) => [r, quotaValue.optional()])) as Record<
    QuotaResource,
    z.ZodOptional<typeof quotaValue>
  >;

export const updateQuotaSetSchema = (version: Microversion) =>
  z.strictObject({
    quota_set: z.strictObject({
      ...limitsShape(quotaSetResources(version)),
      force: booleanParam.optional(),
    }),
  });

const updateClassSchema = (version: Microversion) =>
  z.strictObject({
    quota_class_set: z.strictObject(
      limitsShape(version.atLeast("2.50") ? quotaClassResources(version) : QUOTA_RESOURCES),
    ),
  });

const changesOf = (body: Record<string, unknown>): QuotaChanges =>
  Object.fromEntries(
    Object.entries(body).filter(([k, v]) => k !== "force" && typeof v === "number"),
  ) as QuotaChanges;

/** Only user_id is known (it is refused anyway); unknown parameters are refused from 2.75. */
function noUser(c: Context<ComputeEnv>): void {
  const q = queryParams(c.req.queries(), ["user_id"], c.var.microversion);
  if (q.user_id !== undefined) {
    throw HttpError.badRequest("Per-user quotas are not supported: omit user_id.");
  }
}

export const quotaSets: RouteModule<ComputeEnv> = (r, deps) => {
  r.get("/os-quota-sets/:id/detail", async (c) => {
    noUser(c);
    const id = c.req.param("id");
    const quotas = await getProjectQuotas(serviceContext(c, deps), id);
    return c.json({
      quota_set: quotaDetailView(quotas, quotaSetResources(c.var.microversion), id),
    });
  });

  r.get("/os-quota-sets/:id/defaults", async (c) => {
    queryParams(c.req.queries(), [], c.var.microversion, "2.102");
    const id = c.req.param("id");
    const defaults = await getDefaultQuotas(serviceContext(c, deps), id);
    return c.json({ quota_set: quotaSetView(defaults, quotaSetResources(c.var.microversion), id) });
  });

  r.get("/os-quota-sets/:id", async (c) => {
    noUser(c);
    const id = c.req.param("id");
    const { limits } = await getProjectQuotas(serviceContext(c, deps), id);
    return c.json({ quota_set: quotaSetView(limits, quotaSetResources(c.var.microversion), id) });
  });

  r.put("/os-quota-sets/:id", async (c) => {
    const version = c.var.microversion;
    const body = await parseBody(c, updateQuotaSetSchema(version));
    noUser(c);
    const { limits } = await updateProjectQuotas(
      serviceContext(c, deps),
      c.req.param("id"),
      changesOf(body.quota_set),
      body.quota_set.force ?? false,
    );
    return c.json({ quota_set: quotaSetView(limits, quotaSetResources(version)) });
  });

  r.delete("/os-quota-sets/:id", async (c) => {
    noUser(c);
    await deleteProjectQuotas(serviceContext(c, deps), c.req.param("id"));
    return c.body(null, 202);
  });

  r.get("/os-quota-class-sets/:id", async (c) => {
    queryParams(c.req.queries(), [], c.var.microversion, "2.102");
    const id = c.req.param("id");
    const limits = await quotaClass(serviceContext(c, deps), id);
    return c.json({
      quota_class_set: quotaSetView(limits, quotaClassResources(c.var.microversion), id),
    });
  });

  r.put("/os-quota-class-sets/:id", async (c) => {
    const version = c.var.microversion;
    const body = await parseBody(c, updateClassSchema(version));
    const limits = await quotaClass(
      serviceContext(c, deps),
      c.req.param("id"),
      changesOf(body.quota_class_set),
    );
    return c.json({ quota_class_set: quotaSetView(limits, quotaClassResources(version)) });
  });
};
