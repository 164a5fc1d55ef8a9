// conductor.create_role: a new role (names are unique).
import { createRole, handler } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import { createRole as create } from "../repositories/identity";
import { duplicate } from "./create-project";

export const createRoleHandler = (c: Conductor) =>
  handler(createRole, async (req, meta) => {
    const role = await create(c.sql, req.name);
    if (!role) throw duplicate("role", req.name);
    meta.logger.info({ roleId: role.id, name: role.name }, "role created");
    return role;
  });
