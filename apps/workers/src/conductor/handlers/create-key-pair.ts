// conductor.create_key_pair: store a user's key pair, counting the key_pairs quota (per user, with
// the limit of the caller's project) under the user's lock, so racing creates cannot overshoot.
import { createKeyPair, handler, RpcError } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import { transaction } from "../repositories/db";
import { countKeyPairs, insertKeyPair, lockUserQuota } from "../repositories/key-pairs";
import { projectQuotas } from "../repositories/quotas";

export const createKeyPairHandler = (c: Conductor) =>
  handler(createKeyPair, async (req, meta) => {
    const now = c.now();
    const keyPair = await transaction(c.sql, async (tx) => {
      await lockUserQuota(tx, req.userId, now);
      const limit = (await projectQuotas(tx, req.projectId)).limits.key_pairs;
      if (limit >= 0 && (await countKeyPairs(tx, req.userId)) + 1 > limit) {
        throw new RpcError("over_quota", "Quota exceeded, too many key pairs.");
      }
      const created = await insertKeyPair(tx, req, now);
      if (!created) throw new RpcError("conflict", `Key pair '${req.name}' already exists.`);
      return created;
    });
    meta.logger.info({ name: req.name, userId: req.userId, type: req.type }, "key pair created");
    return keyPair;
  });
