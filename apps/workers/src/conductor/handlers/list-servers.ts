// conductor.list_servers: filters, sort and pagination in the database (repositories/server-list.ts).
import { handler, listServers, RpcError } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import { listServerPage } from "../repositories/server-list";

/** Nova's [api] max_limit. */
const MAX_LIMIT = 1000;

export const listServersHandler = (c: Conductor) =>
  handler(listServers, async (req) => {
    const f = req.filters;
    const outcome = await listServerPage(c.sql, {
      projectId: req.projectId,
      filters: {
        ...f,
        changesSince: f.changesSince ? new Date(f.changesSince) : undefined,
        changesBefore: f.changesBefore ? new Date(f.changesBefore) : undefined,
      },
      sort: req.sort,
      limit: Math.min(req.limit ?? MAX_LIMIT, MAX_LIMIT),
      marker: req.marker,
    });
    if ("error" in outcome) {
      throw outcome.error === "marker"
        ? new RpcError("invalid", `marker [${req.marker}] not found`)
        : new RpcError(
            "invalid",
            `Invalid regular expression in the name filter: ${outcome.message}`,
          );
    }
    return { servers: outcome.servers };
  });
