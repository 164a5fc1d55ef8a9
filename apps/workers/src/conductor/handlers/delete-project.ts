// conductor.delete_project: its role assignments and tokens go with it (foreign keys cascade).
import { deleteProject, handler } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import { deleteProject as remove } from "../repositories/identity";
import { projectNotFound } from "./get-project";

export const deleteProjectHandler = (c: Conductor) =>
  handler(deleteProject, async (req, meta) => {
    if (!(await remove(c.sql, req.id))) throw projectNotFound(req.id);
    meta.logger.info({ projectId: req.id }, "project deleted");
    c.notifier.identityChanged({ kind: "project", id: req.id }, meta.ctx);
    return {};
  });
