// conductor.update_flavor_extra_specs: set extra specs, or remove one.
import { handler, RpcError, updateFlavorExtraSpecs } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import { transaction } from "../repositories/db";
import { updateExtraSpecs } from "../repositories/flavors";
import { flavorNotFound } from "./get-flavor";

export const updateFlavorExtraSpecsHandler = (c: Conductor) =>
  handler(updateFlavorExtraSpecs, async (req) => {
    const specs = await transaction(c.sql, (tx) =>
      updateExtraSpecs(tx, req.flavorid, { set: req.set, unset: req.unset }, c.now()),
    );
    if (specs === "flavor") throw flavorNotFound(req.flavorid);
    if (specs === "key") {
      throw new RpcError(
        "not_found",
        `Flavor ${req.flavorid} has no extra specs with key ${req.unset}.`,
      );
    }
    return { extraSpecs: specs };
  });
