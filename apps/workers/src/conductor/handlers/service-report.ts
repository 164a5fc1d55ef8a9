// conductor.service_report: registration and heartbeats (and a compute host's node inventory).
import { handler, serviceReport, systemContext } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import { recordReport } from "../repositories/hosts";

export const serviceReportHandler = (c: Conductor) =>
  handler(serviceReport, async (req, meta) => {
    const { service, previous, node } = await recordReport(c.sql, req, c.now());
    if (!previous) meta.logger.info({ host: req.host, binary: req.binary }, "service registered");
    c.services.publishChanges(c, [service], meta.ctx);
    if (node?.changed) c.notifier.nodeChanged(node.id, systemContext());
    return {
      serviceId: service.id,
      disabled: Boolean(service.disabled),
      forcedDown: Boolean(service.forced_down),
    };
  });
