// conductor.delete_role: every assignment of the role goes with it, so every cached token may
// have changed (identity.change "role" clears the web caches).
import { deleteRole, handler } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import { deleteRole as remove } from "../repositories/identity";
import { roleNotFound } from "./get-role";

export const deleteRoleHandler = (c: Conductor) =>
  handler(deleteRole, async (req, meta) => {
    if (!(await remove(c.sql, req.id))) throw roleNotFound(req.id);
    meta.logger.info({ roleId: req.id }, "role deleted");
    c.notifier.identityChanged({ kind: "role", id: req.id }, meta.ctx);
    return {};
  });
