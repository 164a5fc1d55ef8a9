// conductor.create_user: the password is hashed here (argon2id, off the event loop) and only the
// hash is stored.
import { hash } from "@node-rs/argon2";
import { createUser, handler } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import { createUser as create, findProject } from "../repositories/identity";
import { duplicate } from "./create-project";
import { projectNotFound } from "./get-project";

export const createUserHandler = (c: Conductor) =>
  handler(createUser, async ({ password, ...req }, meta) => {
    if (req.defaultProjectId && !(await findProject(c.sql, { id: req.defaultProjectId }))) {
      throw projectNotFound(req.defaultProjectId);
    }
    const passwordHash = password === null ? null : await hash(password);
    const user = await create(c.sql, { ...req, passwordHash });
    if (!user) throw duplicate("user", req.name);
    meta.logger.info({ userId: user.id, name: user.name }, "user created");
    return user;
  });
