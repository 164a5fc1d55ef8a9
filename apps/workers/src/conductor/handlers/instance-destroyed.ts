// conductor.instance_destroyed: the host removed the domain and disk; free, soft-delete, publish.
// A second report (redelivery) finds the server already gone and changes nothing.
import { handler, instanceDestroyed } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import { finishDelete } from "../flows/deletes";

export const instanceDestroyedHandler = (c: Conductor) =>
  handler(instanceDestroyed, async (req, meta) => {
    await finishDelete(c, req.uuid, meta.ctx, meta.logger, (current) => current.host === req.host);
    return {};
  });
