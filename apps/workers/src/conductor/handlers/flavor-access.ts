// conductor.flavor_access: the projects a private flavor is granted to, after an optional change.
import { flavorAccess, handler, RpcError } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import { transaction } from "../repositories/db";
import {
  accessProjects,
  grantAccess,
  lockFlavorForAccess,
  revokeAccess,
} from "../repositories/flavors";
import { flavorNotFound } from "./get-flavor";

export const flavorAccessHandler = (c: Conductor) =>
  handler(flavorAccess, async (req, meta) => {
    const { flavorid, change } = req;
    const projects = await transaction(c.sql, async (tx) => {
      const flavor = await lockFlavorForAccess(tx, flavorid);
      if (!flavor) throw flavorNotFound(flavorid);
      if (change?.action === "add") {
        if (flavor.isPublic)
          throw new RpcError("conflict", "Can not add access to a public flavor.");
        if (!(await grantAccess(tx, flavor.id, change.projectId))) {
          throw new RpcError(
            "conflict",
            `Flavor access already exists for flavor ${flavorid} and project ${change.projectId} combination.`,
          );
        }
      } else if (change?.action === "remove") {
        if (!(await revokeAccess(tx, flavor.id, change.projectId))) {
          throw new RpcError(
            "not_found",
            `Flavor access not found for ${flavorid} / ${change.projectId} combination.`,
          );
        }
      } else if (flavor.isPublic) {
        throw new RpcError("not_found", "Access list not available for public flavors.");
      }
      return accessProjects(tx, flavor.id);
    });
    if (change) meta.logger.info({ flavorid, ...change }, "flavor access changed");
    return { projects };
  });
