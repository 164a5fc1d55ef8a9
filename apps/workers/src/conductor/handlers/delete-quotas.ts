// conductor.delete_quotas: a project's own limits go; the defaults apply again.
import { deleteQuotas, handler } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import { deleteProjectLimits } from "../repositories/quotas";

export const deleteQuotasHandler = (c: Conductor) =>
  handler(deleteQuotas, async (req, meta) => {
    await deleteProjectLimits(c.sql, req.projectId);
    meta.logger.info({ projectId: req.projectId }, "quotas reset to the defaults");
    return {};
  });
