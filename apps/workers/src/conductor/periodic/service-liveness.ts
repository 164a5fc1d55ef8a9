// Service liveness: publish service.update when a service goes up or down (its last heartbeat is
// older than NIMBUS_SERVICE_DOWN_TIME, or it was forced down). One small query every few seconds.
import { systemContext } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import { listServiceRows } from "../repositories/hosts";

export async function checkServiceLiveness(c: Conductor): Promise<number> {
  const rows = await listServiceRows(c.sql);
  c.services.retain(new Set(rows.map((r) => r.id)));
  return c.services.publishChanges(c, rows, systemContext());
}
