// conductor.update_user: like Keystone, a new password or a disabled account ends the user's
// tokens; every change is published so web processes re-validate the user's cached tokens.
import { hash } from "@node-rs/argon2";
import { handler, updateUser } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import { findProject, revokeUserTokens, updateUser as update } from "../repositories/identity";
import { duplicate } from "./create-project";
import { projectNotFound } from "./get-project";
import { userNotFound } from "./get-user";

export const updateUserHandler = (c: Conductor) =>
  handler(updateUser, async ({ id, password, ...changes }, meta) => {
    if (changes.defaultProjectId && !(await findProject(c.sql, { id: changes.defaultProjectId }))) {
      throw projectNotFound(changes.defaultProjectId);
    }
    const passwordHash =
      password === undefined ? undefined : password === null ? null : await hash(password);
    const user = await update(c.sql, id, {
      ...changes,
      ...(passwordHash !== undefined && { passwordHash }),
    });
    if (user === null) throw userNotFound(id);
    if (user === "duplicate") throw duplicate("user", changes.name ?? "");
    const revoked =
      passwordHash !== undefined || changes.enabled === false
        ? await revokeUserTokens(c.sql, id, c.now())
        : 0;
    meta.logger.info(
      {
        userId: id,
        fields: [...Object.keys(changes), ...(password !== undefined ? ["password"] : [])],
        revoked,
      },
      "user updated",
    );
    c.notifier.identityChanged({ kind: "user", id }, meta.ctx);
    return user;
  });
