// conductor.create_flavor: a new flavor, with a new uuid for an id unless one is given.
import { randomUUID } from "node:crypto";
import { createFlavor, handler, RpcError } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import { getFlavor, insertFlavor } from "../repositories/flavors";

export const createFlavorHandler = (c: Conductor) =>
  handler(createFlavor, async (req, meta) => {
    const flavorid = req.flavorid ?? randomUUID();
    const outcome = await insertFlavor(c.sql, { ...req, flavorid }, c.now());
    if (outcome === "name") {
      throw new RpcError("conflict", `Flavor with name ${req.name} already exists.`);
    }
    if (outcome === "id") {
      throw new RpcError("conflict", `Flavor with ID ${flavorid} already exists.`);
    }
    meta.logger.info({ flavorid, name: req.name }, "flavor created");
    const flavor = await getFlavor(c.sql, flavorid, null);
    if (!flavor) throw new Error(`flavor ${flavorid} vanished right after its creation`);
    return flavor;
  });
