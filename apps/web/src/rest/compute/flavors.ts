// /flavors: list (index and detail), show, create, update (≥ 2.55), delete; their extra specs
// (/flavors/{id}/os-extra_specs) and access lists (/flavors/{id}/os-flavor-access and the
// addTenantAccess/removeTenantAccess actions). Views as nova/api/openstack/compute/views/flavors.py.
import type { Flavor } from "@nimbus/rpc";
import { allowed, type Credentials } from "@nimbus/rpc/domain";
import type { Context } from "hono";
import { z } from "zod";
import {
  changeFlavorAccess,
  createFlavor,
  deleteFlavor,
  FLAVOR_SORT_KEYS,
  flavorAccess,
  flavorExtraSpecs,
  getFlavor,
  listFlavors,
  updateFlavorDescription,
  updateFlavorExtraSpecs,
  type FlavorSortKey,
} from "../../services/flavors";
import type { RestDeps, RouteModule } from "../app";
import { parseBody, readJsonObject, validateBody } from "../body";
import type { ComputeEnv } from "../context";
import { HttpError } from "../errors";
import { baseUrl, computeResourceLinks } from "../links";
import type { Microversion } from "../microversion";
import { nextLinks, parsePage } from "../pagination";
import { serviceContext } from "../service-context";
import { booleanParam, nameParam, parseStrictBool } from "./params";
import { queryParams } from "./query-params";

type C = Context<ComputeEnv>;

export interface FlavorViewOptions {
  base: string;
  version: Microversion;
  /** `extra_specs` in the view (≥ 2.61, flavors:extra_specs:index) */
  extraSpecs: boolean;
}

export function flavorViewOptions(
  base: string,
  version: Microversion,
  creds: Credentials,
): FlavorViewOptions {
  return {
    base,
    version,
    extraSpecs: version.atLeast("2.61") && allowed(creds, "flavors:extra_specs:index"),
  };
}

/** GET /flavors: id, name and links (and the description from 2.55). */
export function flavorSummaryView(flavor: Flavor, o: FlavorViewOptions) {
  const view: Record<string, unknown> = {
    id: flavor.id,
    name: flavor.name,
    links: computeResourceLinks(o.base, "flavors", flavor.id),
  };
  if (o.version.atLeast("2.55")) view.description = flavor.description;
  return view;
}

/** The full view (detail, show, create, update). */
export function flavorView(flavor: Flavor, o: FlavorViewOptions) {
  const view: Record<string, unknown> = {
    id: flavor.id,
    name: flavor.name,
    ram: flavor.memoryMb,
    disk: flavor.rootGb,
    // Nova renders "no swap" as "" until 2.75, as 0 from then on.
    swap: flavor.swap || (o.version.atLeast("2.75") ? 0 : ""),
    "OS-FLV-EXT-DATA:ephemeral": flavor.ephemeralGb,
    "OS-FLV-DISABLED:disabled": flavor.disabled,
    vcpus: flavor.vcpus,
    "os-flavor-access:is_public": flavor.isPublic,
    rxtx_factor: flavor.rxtxFactor,
    links: computeResourceLinks(o.base, "flavors", flavor.id),
  };
  if (o.version.atLeast("2.55")) view.description = flavor.description;
  if (o.extraSpecs) view.extra_specs = flavor.extraSpecs;
  return view;
}

const MAX_INT = 0x7fffffff;
/** parameter_types.flavor_param_positive / _non_negative: an integer or a string of digits. */
const flavorInt = (min: number) =>
  z
    .union([z.number().int(), z.string().regex(/^[0-9]+$/)])
    .transform(Number)
    .pipe(z.number().int().min(min).max(MAX_INT));

const printable = /^[^\p{C}\p{Zl}\p{Zp}]*$/u;

export const createFlavorSchema = (version: Microversion) =>
  z.strictObject({
    flavor: z.strictObject({
      name: nameParam,
      id: z
        .union([
          z
            .string()
            .min(1)
            .max(255)
            .regex(/^(?! )[a-zA-Z0-9. _-]+(?<! )$/),
          z.number().transform(String),
          z.null(),
        ])
        .optional(),
      ram: flavorInt(1),
      vcpus: flavorInt(1),
      disk: flavorInt(0),
      "OS-FLV-EXT-DATA:ephemeral": flavorInt(0).optional(),
      // NOTE(nimbus): old clients send "" for "no swap" (what the views show before 2.75); it is
      // taken as 0 rather than refused.
      swap: z.union([z.literal("").transform(() => 0), flavorInt(0)]).optional(),
      rxtx_factor: z
        .union([z.number(), z.string().regex(/^[0-9]+(\.[0-9]+)?$/)])
        .transform(Number)
        .pipe(z.number().gt(0).max(3.40282e38))
        .optional(),
      "os-flavor-access:is_public": booleanParam.optional(),
      ...(version.atLeast("2.55") && {
        description: z.string().max(65_535).regex(printable).nullable().optional(),
      }),
    }),
  });

const updateSchema = z.strictObject({
  flavor: z.strictObject({
    description: z.string().max(65_535).regex(printable).nullable(),
  }),
});

/** os-extra_specs keys and values: a string (or a number, kept as its decimal form) up to 255. */
const specKey = z.string().regex(/^[a-zA-Z0-9-_:. ]{1,255}$/);
const specValue = z.union([z.string().max(255), z.number()]);
const specs = z.record(specKey, specValue);

const accessSchema = (action: "addTenantAccess" | "removeTenantAccess") =>
  z.strictObject({ [action]: z.strictObject({ tenant: z.string().min(1).max(255) }) });

const asStrings = (body: Record<string, string | number>) =>
  Object.fromEntries(Object.entries(body).map(([k, v]) => [k, String(v)]));

const LIST_PARAMS = ["limit", "marker", "is_public", "minRam", "minDisk", "sort_key", "sort_dir"];

async function list(c: C, deps: RestDeps, detail: boolean) {
  const ctx = serviceContext(c, deps);
  const version = c.var.microversion;
  const q = queryParams(c.req.queries(), LIST_PARAMS, version);
  const int = (name: "minRam" | "minDisk") => {
    const value = q[name];
    if (value === undefined) return undefined;
    // Python's int(): an optional sign, digits, surrounding blanks.
    if (!/^\s*[-+]?\d+\s*$/.test(value))
      throw HttpError.badRequest(`Invalid ${name} filter [${value}]`);
    return Number(value);
  };
  let isPublic: boolean | null | undefined;
  if (q.is_public !== undefined) {
    if (q.is_public.toLowerCase() === "none") isPublic = null;
    else {
      try {
        isPublic = parseStrictBool(q.is_public, "is_public");
      } catch {
        throw HttpError.badRequest(`Invalid is_public filter [${q.is_public}]`);
      }
    }
  }
  const sortKey = q.sort_key || "flavorid";
  const sortDir = q.sort_dir || "asc";
  if (!(FLAVOR_SORT_KEYS as readonly string[]).includes(sortKey)) {
    throw HttpError.badRequest(
      `Invalid input for query parameters sort_key. Value: ${sortKey}. '${sortKey}' is not one of ${JSON.stringify(FLAVOR_SORT_KEYS)}`,
    );
  }
  if (sortDir !== "asc" && sortDir !== "desc") {
    throw HttpError.badRequest(
      `Invalid input for query parameters sort_dir. Value: ${sortDir}. '${sortDir}' is not one of ['asc', 'desc']`,
    );
  }
  const searchParams = new URL(c.req.url).searchParams;
  const page = parsePage(searchParams);
  const minRam = int("minRam");
  const minDisk = int("minDisk");
  const flavors = await listFlavors(ctx, {
    ...(isPublic !== undefined && { isPublic }),
    ...(minRam !== undefined && { minRam }),
    ...(minDisk !== undefined && { minDisk }),
    sortKey: sortKey as FlavorSortKey,
    sortDir,
    limit: page.limit,
    ...(page.marker !== undefined && { marker: page.marker }),
  });
  const base = baseUrl(c);
  const o = flavorViewOptions(base, version, ctx);
  const body: Record<string, unknown> = {
    flavors: flavors.map((f) => (detail ? flavorView(f, o) : flavorSummaryView(f, o))),
  };
  const links = nextLinks({
    base,
    collection: detail ? "flavors/detail" : "flavors",
    query: searchParams,
    page,
    ids: flavors.map((f) => f.id),
  });
  if (links.length > 0) body.flavors_links = links;
  return c.json(body);
}

export const flavors: RouteModule<ComputeEnv> = (r, deps) => {
  const ctxOf = (c: C) => serviceContext(c, deps);
  const show = (c: C, flavor: Flavor, status: 200 = 200) =>
    c.json(
      { flavor: flavorView(flavor, flavorViewOptions(baseUrl(c), c.var.microversion, ctxOf(c))) },
      status,
    );

  // /flavors/detail before /flavors/:id, which would take "detail" for an id.
  r.get("/flavors/detail", (c) => list(c, deps, true));
  r.get("/flavors", (c) => list(c, deps, false));

  r.get("/flavors/:id", async (c) => show(c, await getFlavor(ctxOf(c), c.req.param("id"))));

  r.post("/flavors", async (c) => {
    const version = c.var.microversion;
    const { flavor: f } = await parseBody(c, createFlavorSchema(version));
    const description = (f as { description?: string | null }).description;
    const created = await createFlavor(ctxOf(c), {
      flavorid: f.id ?? null,
      name: f.name,
      memoryMb: f.ram,
      vcpus: f.vcpus,
      rootGb: f.disk,
      ephemeralGb: f["OS-FLV-EXT-DATA:ephemeral"] ?? 0,
      swap: f.swap ?? 0,
      rxtxFactor: f.rxtx_factor ?? 1,
      isPublic: f["os-flavor-access:is_public"] ?? true,
      description: description ?? null,
    });
    return show(c, created);
  });

  r.put("/flavors/:id", async (c) => {
    if (!c.var.microversion.atLeast("2.55")) throw HttpError.notFound();
    const { flavor } = await parseBody(c, updateSchema);
    return show(c, await updateFlavorDescription(ctxOf(c), c.req.param("id"), flavor.description));
  });

  r.delete("/flavors/:id", async (c) => {
    await deleteFlavor(ctxOf(c), c.req.param("id"));
    return c.body(null, 202);
  });

  // --- extra specs ---
  r.get("/flavors/:id/os-extra_specs", async (c) =>
    c.json({ extra_specs: await flavorExtraSpecs(ctxOf(c), c.req.param("id")) }),
  );

  r.post("/flavors/:id/os-extra_specs", async (c) => {
    const body = await parseBody(c, z.strictObject({ extra_specs: specs }));
    await updateFlavorExtraSpecs(ctxOf(c), c.req.param("id"), {
      set: asStrings(body.extra_specs),
    });
    return c.json(body);
  });

  r.get("/flavors/:id/os-extra_specs/:key", async (c) => {
    const id = c.req.param("id");
    const key = c.req.param("key");
    const all = await flavorExtraSpecs(ctxOf(c), id);
    if (!(key in all)) throw HttpError.notFound(`Flavor ${id} has no extra specs with key ${key}.`);
    return c.json({ [key]: all[key] });
  });

  r.put("/flavors/:id/os-extra_specs/:key", async (c) => {
    const body = await parseBody(
      c,
      specs.refine((b) => Object.keys(b).length === 1, {
        error: "Exactly one extra spec must be given",
      }),
    );
    if (!(c.req.param("key") in body)) throw HttpError.badRequest("Request body and URI mismatch");
    await updateFlavorExtraSpecs(ctxOf(c), c.req.param("id"), { set: asStrings(body) });
    return c.json(body);
  });

  r.delete("/flavors/:id/os-extra_specs/:key", async (c) => {
    await updateFlavorExtraSpecs(ctxOf(c), c.req.param("id"), { unset: c.req.param("key") });
    return c.body(null, 200);
  });

  // --- access to private flavors ---
  const accessView = (flavorid: string, projects: string[]) => ({
    flavor_access: projects.map((tenant_id) => ({ flavor_id: flavorid, tenant_id })),
  });

  r.get("/flavors/:id/os-flavor-access", async (c) => {
    const id = c.req.param("id");
    return c.json(accessView(id, await flavorAccess(ctxOf(c), id)));
  });

  r.post("/flavors/:id/action", async (c) => {
    const id = c.req.param("id");
    const raw = await readJsonObject(c);
    const action = "removeTenantAccess" in raw ? "removeTenantAccess" : "addTenantAccess";
    const body = validateBody(accessSchema(action), raw) as Record<string, { tenant: string }>;
    const tenant = body[action]!.tenant;
    if (action === "addTenantAccess" && tenant.length > 32) {
      throw HttpError.badRequest(`Project ID ${tenant} is not a valid project.`);
    }
    if (tenant.length > 32) {
      throw HttpError.notFound(`Flavor access not found for ${id} / ${tenant} combination.`);
    }
    const projects = await changeFlavorAccess(
      ctxOf(c),
      id,
      action === "addTenantAccess" ? "add" : "remove",
      tenant,
    );
    return c.json(accessView(id, projects));
  });
};
