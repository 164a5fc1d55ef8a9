// conductor.quota_class: set some limits of a quota class, then read them all.
import { handler, quotaClass } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import { classLimits, setClassLimits } from "../repositories/quotas";

export const quotaClassHandler = (c: Conductor) =>
  handler(quotaClass, async (req, meta) => {
    if (Object.keys(req.set).length > 0) {
      await setClassLimits(c.sql, req.className, req.set, c.now());
      meta.logger.info({ className: req.className, limits: req.set }, "quota class updated");
    }
    return { limits: await classLimits(c.sql, req.className) };
  });
