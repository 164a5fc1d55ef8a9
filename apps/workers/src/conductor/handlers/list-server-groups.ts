// conductor.list_server_groups: a project's (or every project's) server groups, by offset.
import { handler, listServerGroups } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import { listServerGroups as readGroups } from "../repositories/server-groups";

export const listServerGroupsHandler = (c: Conductor) =>
  handler(listServerGroups, async (req) => ({
    serverGroups: await readGroups(c.sql, req.projectId, req),
  }));
