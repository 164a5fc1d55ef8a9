// Flavors, their extra specs and who may use the private ones. Reading is open to every user
// (a private flavor only to the projects granted it, and to admins); writing is for admins.
import {
  createFlavor as createFlavorContract,
  deleteFlavor as deleteFlavorContract,
  flavorAccess as flavorAccessContract,
  getFlavor as getFlavorContract,
  listFlavors as listFlavorsContract,
  updateFlavor as updateFlavorContract,
  updateFlavorExtraSpecs as updateExtraSpecsContract,
  RpcError,
  type Flavor,
} from "@nimbus/rpc";
import { isAdmin } from "@nimbus/rpc/domain";
import type { z } from "zod";
import { authorize, busContext, projectScope, type ServiceContext } from "./context";

type ListRequest = z.input<(typeof listFlavorsContract)["request"]>;
export type FlavorSortKey = ListRequest["sortKey"];
export const FLAVOR_SORT_KEYS = listFlavorsContract.request.shape.sortKey.options;

export interface ListFlavorsInput {
  /** admins only: true (default) public ones and those granted to the caller's project, false private ones, null all */
  isPublic?: boolean | null;
  minRam?: number;
  minDisk?: number;
  sortKey?: FlavorSortKey;
  sortDir?: "asc" | "desc";
  limit?: number;
  marker?: string;
}

/** As Nova lists them: users see the enabled flavors they may use; admins choose with isPublic. */
export async function listFlavors(
  ctx: ServiceContext,
  input: ListFlavorsInput = {},
): Promise<Flavor[]> {
  authorize(ctx, "flavors:index");
  const admin = isAdmin(ctx);
  const { flavors } = await ctx.bus.call(
    listFlavorsContract,
    {
      projectId: ctx.projectId,
      allProjects: admin,
      isPublic: admin ? (input.isPublic === undefined ? true : input.isPublic) : true,
      enabledOnly: !admin,
      sortKey: input.sortKey ?? "flavorid",
      sortDir: input.sortDir ?? "asc",
      ...(input.minRam !== undefined && { minRam: input.minRam }),
      ...(input.minDisk !== undefined && { minDisk: input.minDisk }),
      ...(input.limit !== undefined && { limit: input.limit }),
      ...(input.marker !== undefined && { marker: input.marker }),
    },
    { ctx: busContext(ctx) },
  );
  return flavors;
}

const notFound = (id: string) => new RpcError("not_found", `Flavor ${id} could not be found.`);

/** A flavor by its id (a private one only if the caller's project was granted it). */
export async function getFlavor(ctx: ServiceContext, flavorid: string): Promise<Flavor> {
  authorize(ctx, "flavors:show");
  if (flavorid.length > 255) throw notFound(flavorid);
  return ctx.bus.call(
    getFlavorContract,
    { flavorid, projectId: projectScope(ctx) },
    { ctx: busContext(ctx) },
  );
}

export type NewFlavor = z.input<(typeof createFlavorContract)["request"]>;

export async function createFlavor(ctx: ServiceContext, flavor: NewFlavor): Promise<Flavor> {
  authorize(ctx, "flavors:create");
  const created = await ctx.bus.call(createFlavorContract, flavor, { ctx: busContext(ctx) });
  ctx.log.info({ flavorid: created.id, name: created.name }, "flavor created");
  return created;
}

export async function updateFlavorDescription(
  ctx: ServiceContext,
  flavorid: string,
  description: string | null,
): Promise<Flavor> {
  authorize(ctx, "flavors:update");
  if (flavorid.length > 255) throw notFound(flavorid);
  return ctx.bus.call(updateFlavorContract, { flavorid, description }, { ctx: busContext(ctx) });
}

export async function deleteFlavor(ctx: ServiceContext, flavorid: string): Promise<void> {
  authorize(ctx, "flavors:delete");
  if (flavorid.length > 255) throw notFound(flavorid);
  await ctx.bus.call(deleteFlavorContract, { flavorid }, { ctx: busContext(ctx) });
  ctx.log.info({ flavorid }, "flavor deleted");
}

/** The extra specs of a flavor the caller may see. */
export async function flavorExtraSpecs(
  ctx: ServiceContext,
  flavorid: string,
): Promise<Record<string, string>> {
  authorize(ctx, "flavors:extra_specs:index");
  return (await getFlavor(ctx, flavorid)).extraSpecs;
}

/** Set extra specs and/or remove one; every extra spec of the flavor afterwards. */
export async function updateFlavorExtraSpecs(
  ctx: ServiceContext,
  flavorid: string,
  change: { set?: Record<string, string>; unset?: string },
): Promise<Record<string, string>> {
  authorize(ctx, "flavors:extra_specs:write");
  if (flavorid.length > 255) throw notFound(flavorid);
  const { extraSpecs } = await ctx.bus.call(
    updateExtraSpecsContract,
    { flavorid, ...change },
    { ctx: busContext(ctx) },
  );
  return extraSpecs;
}

/** The projects a private flavor is granted to (a public one has no such list: not found). */
export async function flavorAccess(ctx: ServiceContext, flavorid: string): Promise<string[]> {
  authorize(ctx, "flavors:access:index");
  if (flavorid.length > 255) throw notFound(flavorid);
  const { projects } = await ctx.bus.call(
    flavorAccessContract,
    { flavorid, change: null },
    { ctx: busContext(ctx) },
  );
  return projects;
}

/** Grant or revoke a project's access to a private flavor; the projects granted afterwards. */
export async function changeFlavorAccess(
  ctx: ServiceContext,
  flavorid: string,
  action: "add" | "remove",
  projectId: string,
): Promise<string[]> {
  authorize(ctx, "flavors:access:write");
  if (flavorid.length > 255) throw notFound(flavorid);
  const { projects } = await ctx.bus.call(
    flavorAccessContract,
    { flavorid, change: { action, projectId } },
    { ctx: busContext(ctx) },
  );
  ctx.log.info({ flavorid, action, projectId }, "flavor access changed");
  return projects;
}
