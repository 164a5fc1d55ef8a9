// conductor.delete_service: remove a service and its node, refused while the host has servers.
import { deleteService, handler, RpcError } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import { deleteServiceIfEmpty, getServiceRow } from "../repositories/hosts";
import { serviceNotFound } from "./update-service";

export const deleteServiceHandler = (c: Conductor) =>
  handler(deleteService, async (req, meta) => {
    const row = await getServiceRow(c.sql, req.ref);
    if (!row) throw serviceNotFound(req.ref);
    if (!(await deleteServiceIfEmpty(c.sql, row, c.now()))) {
      throw new RpcError(
        "conflict",
        "Unable to delete compute service that is hosting instances. Migrate or delete the instances first.",
      );
    }
    meta.logger.info({ host: row.host, binary: row.binary }, "service deleted");
    c.services.forget(row.id);
    // The scheduler drops the host from its view at once rather than at its next full read.
    c.notifier.serviceChanged(
      {
        binary: row.binary,
        host: row.host,
        state: "down",
        status: "disabled",
        disabledReason: "service deleted",
        lastSeenUp: row.last_seen_up?.toISOString() ?? null,
      },
      meta.ctx,
    );
    return {};
  });
