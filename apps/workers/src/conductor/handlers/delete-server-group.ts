// conductor.delete_server_group: remove a group; its servers stay, outside any group.
import { deleteServerGroup, handler } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import { transaction } from "../repositories/db";
import { deleteServerGroup as removeGroup } from "../repositories/server-groups";
import { groupNotFound } from "./get-server-group";

export const deleteServerGroupHandler = (c: Conductor) =>
  handler(deleteServerGroup, async (req, meta) => {
    if (!(await transaction(c.sql, (tx) => removeGroup(tx, req.uuid, c.now())))) {
      throw groupNotFound(req.uuid);
    }
    meta.logger.info({ uuid: req.uuid }, "server group deleted");
    return {};
  });
