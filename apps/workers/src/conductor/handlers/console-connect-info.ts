// conductor.console_connect_info: where a server's console is, asked of its compute host, for a
// server that has one now (Nova's InstanceNotReady otherwise).
import { consoleConnectInfo, getVncConsole, handler, RpcError } from "@nimbus/rpc";
import { hasConsole } from "@nimbus/rpc/domain";
import type { Conductor } from "../deps";
import { instanceNotFound } from "../messages";
import { computeServiceOf } from "../repositories/hosts";
import { getInstance } from "../repositories/instances";
import { isServiceUp } from "../repositories/mapping";
import { isUuid } from "./get-server";

export const consoleConnectInfoHandler = (c: Conductor) =>
  handler(consoleConnectInfo, async (req, meta) => {
    if (!isUuid(req.uuid)) throw instanceNotFound(req.uuid);
    const record = await getInstance(c.sql, req.uuid, { projectId: req.projectId });
    if (!record) throw instanceNotFound(req.uuid);
    const { instance } = record;
    const host = instance.host;
    if (!host || !hasConsole(instance)) {
      throw new RpcError("conflict", `Instance ${req.uuid} is not ready`);
    }
    const service = await computeServiceOf(c.sql, host);
    if (!service || !isServiceUp(service, c.liveness())) {
      throw new RpcError("conflict", `Compute service of ${host} is unavailable at this time.`);
    }
    try {
      const display = await c.bus.call(
        getVncConsole,
        { uuid: instance.uuid },
        { ctx: meta.ctx, host, timeoutMs: 15_000 },
      );
      return { instanceUuid: instance.uuid, computeHost: host, ...display };
    } catch (err) {
      // The guest stopped (or vanished) since the row was read: not ready, as Nova says it.
      if (err instanceof RpcError && (err.code === "conflict" || err.code === "not_found")) {
        throw new RpcError("conflict", `Instance ${req.uuid} is not ready`);
      }
      throw err;
    }
  });
