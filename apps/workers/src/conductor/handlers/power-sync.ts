// conductor.power_sync: the hypervisor's power states of a host's servers. Changes are recorded
// for servers with no task running (a running task reports its own outcome), and, as Nova's
// _sync_instance_power_state does, an ACTIVE server whose guest shut itself down (or crashed)
// becomes SHUTOFF, with a "stop" action saying so.
import { handler, powerSync } from "@nimbus/rpc";
import { PowerState } from "@nimbus/rpc/domain";
import type { Conductor } from "../deps";
import * as actions from "../repositories/actions";
import { transaction } from "../repositories/db";
import * as instances from "../repositories/instances";

export const powerSyncHandler = (c: Conductor) =>
  handler(powerSync, async (req, meta) => {
    const reported = new Map(req.states.map((s) => [s.uuid, s.powerState]));
    const idle = await instances.idleInstancesOnHost(c.sql, req.host, [...reported.keys()]);
    const changed: string[] = [];
    const stopped: { uuid: string; actionId: number }[] = [];
    for (const row of idle) {
      const power = reported.get(row.uuid)!;
      if (power === row.powerState) continue;
      const now = c.now();
      const guard = { taskStates: [null], host: req.host, powerState: row.powerState } as const;
      const shutDown =
        row.vmState === "active" && (power === PowerState.SHUTDOWN || power === PowerState.CRASHED);
      if (!shutDown) {
        if (await instances.updateInstance(c.sql, row.uuid, guard, { powerState: power }, now))
          changed.push(row.uuid);
        continue;
      }
      const actionId = await transaction(c.sql, async (tx) => {
        const applied = await instances.updateInstance(
          tx,
          row.uuid,
          { ...guard, vmStates: ["active"] },
          { vmState: "stopped", powerState: PowerState.SHUTDOWN },
          now,
        );
        if (!applied) return null;
        const id = await actions.startAction(tx, row.uuid, {
          action: "stop",
          requestId: meta.ctx.requestId,
          userId: null,
          projectId: null,
          now,
        });
        await actions.finishAction(tx, id, now);
        return id;
      });
      if (actionId !== null) {
        meta.logger.info(
          { uuid: row.uuid, host: req.host, power },
          "guest shut down by itself: server stopped",
        );
        changed.push(row.uuid);
        stopped.push({ uuid: row.uuid, actionId });
      }
    }
    const records = await instances.getInstancesByUuid(c.sql, changed);
    for (const r of records) c.notifier.instanceUpdated(r.instance, meta.ctx);
    for (const s of stopped) {
      const name = records.find((r) => r.instance.uuid === s.uuid)?.instance.name ?? "";
      c.notifier.actionChanged(s.actionId, { uuid: s.uuid, name }, meta.ctx);
    }
    return {};
  });
