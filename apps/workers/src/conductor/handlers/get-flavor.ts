// conductor.get_flavor: one flavor by its public id (a private one only for projects granted it).
import { getFlavor, handler, RpcError } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import { getFlavor as readFlavor } from "../repositories/flavors";

export const flavorNotFound = (flavorid: string) =>
  new RpcError("not_found", `Flavor ${flavorid} could not be found.`);

export const getFlavorHandler = (c: Conductor) =>
  handler(getFlavor, async (req) => {
    const flavor = await readFlavor(c.sql, req.flavorid, req.projectId);
    if (!flavor) throw flavorNotFound(req.flavorid);
    return flavor;
  });
