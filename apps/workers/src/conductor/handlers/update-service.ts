// conductor.update_service: enable/disable (with a reason) or force a service down.
import { handler, RpcError, updateService } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import { getServiceRow, updateServiceRow } from "../repositories/hosts";
import { toService } from "../repositories/mapping";

export const serviceNotFound = (ref: string | number) =>
  new RpcError("not_found", `Service ${ref} could not be found.`);

export const updateServiceHandler = (c: Conductor) =>
  handler(updateService, async (req, meta) => {
    const row = await getServiceRow(c.sql, req.ref);
    if (!row) throw serviceNotFound(req.ref);
    await updateServiceRow(
      c.sql,
      row.id,
      {
        disabled: req.disabled,
        // Enabling a service forgets why it was disabled, as in Nova.
        disabledReason: req.disabled === false ? null : req.disabledReason,
        forcedDown: req.forcedDown,
      },
      c.now(),
    );
    const updated = (await getServiceRow(c.sql, row.id))!;
    meta.logger.info(
      {
        host: row.host,
        binary: row.binary,
        disabled: Boolean(updated.disabled),
        forcedDown: Boolean(updated.forced_down),
      },
      "service updated",
    );
    c.services.publishChanges(c, [updated], meta.ctx);
    return toService(updated, c.liveness());
  });
