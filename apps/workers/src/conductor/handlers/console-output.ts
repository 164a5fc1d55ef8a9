// conductor.console_output: os-getConsoleOutput, read from the server's compute host.
import { consoleOutput, getConsoleOutput, handler, RpcError } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import { instanceNotFound } from "../messages";
import { computeServiceOf } from "../repositories/hosts";
import { getInstance } from "../repositories/instances";
import { isServiceUp } from "../repositories/mapping";
import { isUuid } from "./get-server";

export const consoleOutputHandler = (c: Conductor) =>
  handler(consoleOutput, async (req, meta) => {
    if (!isUuid(req.uuid)) throw instanceNotFound(req.uuid);
    const record = await getInstance(c.sql, req.uuid, { projectId: req.projectId });
    if (!record) throw instanceNotFound(req.uuid);
    const host = record.instance.host;
    if (!host) throw new RpcError("conflict", `Instance ${req.uuid} is not ready`);
    const service = await computeServiceOf(c.sql, host);
    if (!service || !isServiceUp(service, c.liveness())) {
      throw new RpcError("conflict", `Compute service of ${host} is unavailable at this time.`);
    }
    return c.bus.call(
      getConsoleOutput,
      { uuid: req.uuid, length: req.length },
      { ctx: meta.ctx, host, timeoutMs: 15_000 },
    );
  });
