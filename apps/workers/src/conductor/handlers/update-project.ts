// conductor.update_project: tokens scoped to the project follow its new state at once.
import { handler, updateProject } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import { updateProject as update } from "../repositories/identity";
import { duplicate } from "./create-project";
import { projectNotFound } from "./get-project";

export const updateProjectHandler = (c: Conductor) =>
  handler(updateProject, async ({ id, ...changes }, meta) => {
    const project = await update(c.sql, id, changes);
    if (project === null) throw projectNotFound(id);
    if (project === "duplicate") throw duplicate("project", changes.name ?? "");
    meta.logger.info({ projectId: id, fields: Object.keys(changes) }, "project updated");
    c.notifier.identityChanged({ kind: "project", id }, meta.ctx);
    return project;
  });
