// conductor.delete_user: its role assignments and tokens go with it (foreign keys cascade).
import { deleteUser, handler } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import { deleteUser as remove } from "../repositories/identity";
import { userNotFound } from "./get-user";

export const deleteUserHandler = (c: Conductor) =>
  handler(deleteUser, async (req, meta) => {
    if (!(await remove(c.sql, req.id))) throw userNotFound(req.id);
    meta.logger.info({ userId: req.id }, "user deleted");
    c.notifier.identityChanged({ kind: "user", id: req.id }, meta.ctx);
    return {};
  });
