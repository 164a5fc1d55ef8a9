// conductor.update_flavor: a flavor's description (the only field Nova lets change).
import { handler, updateFlavor } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import { getFlavor, setFlavorDescription } from "../repositories/flavors";
import { flavorNotFound } from "./get-flavor";

export const updateFlavorHandler = (c: Conductor) =>
  handler(updateFlavor, async (req) => {
    await setFlavorDescription(c.sql, req.flavorid, req.description, c.now());
    const flavor = await getFlavor(c.sql, req.flavorid, null);
    if (!flavor) throw flavorNotFound(req.flavorid);
    return flavor;
  });
