// The end of a server: freeing its claim and soft-deleting its record, either after its compute
// host destroyed the domain (instance_destroyed) or by the conductor alone when no host has it or
// its host is down (Nova's local delete).
import type { Logger, RequestContext } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import * as actions from "../repositories/actions";
import { deleteInstanceTokens } from "../repositories/console-tokens";
import { transaction } from "../repositories/db";
import { releaseAllocation } from "../repositories/hosts";
import * as instances from "../repositories/instances";

export interface DeleteOutcome {
  deleted: boolean;
  nodeId: number | null;
}

/**
 * Free the claim, soft-delete, finish the delete action. `onlyIf` decides under the instance's row
 * lock whether the conductor may do it (the host it is on, its state): if not, nothing changes.
 */
export async function finishDelete(
  c: Conductor,
  uuid: string,
  ctx: RequestContext,
  logger: Logger,
  onlyIf: (current: { host: string | null; taskState: string | null }) => boolean,
): Promise<DeleteOutcome> {
  const now = c.now();
  const outcome = await transaction(c.sql, async (tx) => {
    const record = await instances.lockInstance(tx, uuid);
    if (!record || !onlyIf(record.instance)) return null;
    const nodeId = await releaseAllocation(tx, uuid);
    await instances.softDelete(tx, uuid, now);
    await deleteInstanceTokens(tx, uuid);
    const actionId = await actions.latestActionId(tx, uuid, "delete");
    if (actionId !== null) await actions.finishAction(tx, actionId, now);
    return { nodeId, actionId, instance: record.instance };
  });
  if (!outcome) return { deleted: false, nodeId: null };
  logger.info({ uuid, host: outcome.instance.host }, "instance deleted");
  c.notifier.instanceDeleted(outcome.instance, ctx);
  if (outcome.nodeId !== null) c.notifier.nodeChanged(outcome.nodeId, ctx);
  if (outcome.actionId !== null) c.notifier.actionChanged(outcome.actionId, outcome.instance, ctx);
  return { deleted: true, nodeId: outcome.nodeId };
}
