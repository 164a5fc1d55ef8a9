// conductor.update_quotas: set some of a project's limits. Without `force`, a limit below the
// current usage is refused; usage is counted under the project's quota lock, which creates take
// too, so none can slip in between the check and the write.
import { handler, RpcError, updateQuotas } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import { lockProjectQuota } from "../repositories/catalog";
import { transaction } from "../repositories/db";
import { belowUsage, projectQuotas, setProjectLimits } from "../repositories/quotas";

export const updateQuotasHandler = (c: Conductor) =>
  handler(updateQuotas, async (req, meta) => {
    const now = c.now();
    const quotas = await transaction(c.sql, async (tx) => {
      await lockProjectQuota(tx, req.projectId, now);
      if (!req.force) {
        const refusal = belowUsage(req.limits, (await projectQuotas(tx, req.projectId)).usage);
        if (refusal) throw new RpcError("invalid", refusal);
      }
      await setProjectLimits(tx, req.projectId, req.limits, now);
      return projectQuotas(tx, req.projectId);
    });
    meta.logger.info({ projectId: req.projectId, limits: req.limits }, "quotas updated");
    return quotas;
  });
