// conductor.list_services: os-services, up/down judged from the heartbeats.
import { handler, listServices } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import { listServiceRows } from "../repositories/hosts";
import { toService } from "../repositories/mapping";

export const listServicesHandler = (c: Conductor) =>
  handler(listServices, async (req) => {
    const liveness = c.liveness();
    const rows = await listServiceRows(c.sql, { host: req.host, binary: req.binary });
    return { services: rows.map((row) => toService(row, liveness)) };
  });
