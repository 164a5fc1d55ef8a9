// conductor.list_projects: GET /v3/projects, /v3/users/{id}/projects and /v3/auth/projects.
import { handler, listProjects } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import { listProjects as list } from "../repositories/identity";

export const listProjectsHandler = (c: Conductor) =>
  handler(listProjects, async (req) => ({ projects: await list(c.sql, req) }));
