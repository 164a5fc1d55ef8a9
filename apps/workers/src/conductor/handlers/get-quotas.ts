// conductor.get_quotas: a project's limits, the defaults, and its usage.
import { getQuotas, handler } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import { projectQuotas } from "../repositories/quotas";

export const getQuotasHandler = (c: Conductor) =>
  handler(getQuotas, (req) => projectQuotas(c.sql, req.projectId));
