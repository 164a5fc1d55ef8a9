// conductor.list_usage: the servers a usage window adds up (os-simple-tenant-usage).
import { handler, listUsage, RpcError } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import { usageInstances } from "../repositories/usage";

export const listUsageHandler = (c: Conductor) =>
  handler(listUsage, async (req) => {
    const instances = await usageInstances(c.sql, {
      ...req,
      start: new Date(req.start),
      end: new Date(req.end),
    });
    if (instances === "marker") {
      throw new RpcError("invalid", `Marker ${req.marker} could not be found.`);
    }
    return { instances };
  });
