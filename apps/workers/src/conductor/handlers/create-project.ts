// conductor.create_project: a new project (names are unique within the domain).
import { createProject, handler, RpcError } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import { createProject as create } from "../repositories/identity";

export const duplicate = (kind: string, name: string) =>
  new RpcError(
    "conflict",
    `Conflict occurred attempting to store ${kind} - Duplicate entry found with name ${name}.`,
  );

export const createProjectHandler = (c: Conductor) =>
  handler(createProject, async (req, meta) => {
    const project = await create(c.sql, req);
    if (!project) throw duplicate("project", req.name);
    meta.logger.info({ projectId: project.id, name: project.name }, "project created");
    return project;
  });
