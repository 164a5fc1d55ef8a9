// conductor.revoke_token: one token stops working, here and in every web process's cache.
import { handler, revokeToken, RpcError } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import { revokeToken as revoke } from "../repositories/identity";

export const revokeTokenHandler = (c: Conductor) =>
  handler(revokeToken, async (req, meta) => {
    const auditId = await revoke(c.sql, req.tokenHash, c.now());
    if (!auditId) throw new RpcError("not_found", "Could not find token.");
    meta.logger.info({ auditId }, "token revoked");
    c.notifier.identityChanged({ kind: "token", id: auditId }, meta.ctx);
    return { auditId };
  });
