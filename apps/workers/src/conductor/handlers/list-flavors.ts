// conductor.list_flavors: the flavors the caller may see, filtered, sorted and paged.
import { handler, listFlavors, RpcError } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import { listFlavors as readFlavors } from "../repositories/flavors";

export const listFlavorsHandler = (c: Conductor) =>
  handler(listFlavors, async (req) => {
    const flavors = await readFlavors(c.sql, req);
    if (flavors === "marker") throw new RpcError("invalid", `marker [${req.marker}] not found`);
    return { flavors };
  });
