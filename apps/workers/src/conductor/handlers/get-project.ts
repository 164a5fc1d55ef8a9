// conductor.get_project: one project by id.
import { getProject, handler, RpcError } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import { findProject } from "../repositories/identity";

export const projectNotFound = (id: string) =>
  new RpcError("not_found", `Could not find project: ${id}.`);

export const getProjectHandler = (c: Conductor) =>
  handler(getProject, async (req) => {
    const project = await findProject(c.sql, { id: req.id });
    if (!project) throw projectNotFound(req.id);
    return project;
  });
