// conductor.create_server_group: a group for the caller's project, within its server_groups quota
// (counted under the project's quota lock, so racing creates cannot overshoot).
import { randomUUID } from "node:crypto";
import { createServerGroup, handler, RpcError } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import { lockProjectQuota } from "../repositories/catalog";
import { transaction } from "../repositories/db";
import { projectQuotas } from "../repositories/quotas";
import { getServerGroup, insertServerGroup } from "../repositories/server-groups";

export const createServerGroupHandler = (c: Conductor) =>
  handler(createServerGroup, async (req, meta) => {
    const { projectId, userId } = meta.ctx;
    if (!projectId || !userId) {
      throw new RpcError("invalid", "Creating a server group needs a project and a user.");
    }
    const uuid = randomUUID();
    const now = c.now();
    const group = await transaction(c.sql, async (tx) => {
      await lockProjectQuota(tx, projectId, now);
      const { limits, usage } = await projectQuotas(tx, projectId);
      if (limits.server_groups >= 0 && usage.server_groups + 1 > limits.server_groups) {
        throw new RpcError("over_quota", "Quota exceeded, too many server groups.");
      }
      await insertServerGroup(tx, { uuid, projectId, userId, ...req }, now);
      return getServerGroup(tx, uuid);
    });
    if (!group) throw new Error(`server group ${uuid} vanished right after its creation`);
    meta.logger.info({ uuid, policy: req.policy }, "server group created");
    return group;
  });
