// conductor.list_hypervisors: os-hypervisors, by uuid/id or hostname pattern, paginated by id.
import { handler, listHypervisors, RpcError } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import { listNodes, serversOnNodes } from "../repositories/hosts";
import { toComputeNode } from "../repositories/mapping";
import { isUuid } from "./get-server";

export const listHypervisorsHandler = (c: Conductor) =>
  handler(listHypervisors, async (req) => {
    let afterId: number | undefined;
    if (req.marker !== undefined) {
      const marker = isUuid(req.marker)
        ? (await listNodes(c.sql, { uuid: req.marker }))[0]
        : /^\d+$/.test(req.marker)
          ? (await listNodes(c.sql, { ids: [Number(req.marker)] }))[0]
          : undefined;
      if (!marker) throw new RpcError("invalid", `marker [${req.marker}] not found`);
      afterId = marker.id;
    }
    const rows = await listNodes(
      c.sql,
      {
        ...(typeof req.ref === "number" ? { ids: [req.ref] } : {}),
        ...(typeof req.ref === "string" ? { uuid: req.ref } : {}),
        hostnameLike: req.hostnamePattern,
      },
      { limit: req.limit, afterId },
    );
    if (req.ref !== undefined && rows.length === 0) {
      throw new RpcError("not_found", `Hypervisor ${req.ref} could not be found.`);
    }
    if (req.hostnamePattern !== undefined && rows.length === 0) {
      throw new RpcError(
        "not_found",
        `No hypervisor matching '${req.hostnamePattern}' could be found.`,
      );
    }
    const liveness = c.liveness();
    const servers = req.withServers ? await serversOnNodes(c.sql, rows) : null;
    return {
      hypervisors: rows.map((row) => ({
        ...toComputeNode(row, liveness),
        ...(servers
          ? { servers: servers.get(`${row.host}\u0000${row.hypervisor_hostname}`) ?? [] }
          : {}),
      })),
    };
  });
