// conductor.delete_flavor: remove a flavor; servers built with it keep their copy of it.
import { deleteFlavor, handler } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import { deleteFlavor as removeFlavor } from "../repositories/flavors";
import { flavorNotFound } from "./get-flavor";

export const deleteFlavorHandler = (c: Conductor) =>
  handler(deleteFlavor, async (req, meta) => {
    if (!(await removeFlavor(c.sql, req.flavorid))) throw flavorNotFound(req.flavorid);
    meta.logger.info({ flavorid: req.flavorid }, "flavor deleted");
    return {};
  });
