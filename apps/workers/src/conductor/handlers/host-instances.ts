// conductor.host_instances: what a starting compute host should be running, and what it should
// have removed.
import { handler, hostInstances } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import { instancesOnHost } from "../repositories/instances";

/** Deleted servers older than this are not reported again (their hosts have long cleaned up). */
const DELETED_WINDOW_MS = 30 * 24 * 3600 * 1000;

export const hostInstancesHandler = (c: Conductor) =>
  handler(hostInstances, async (req) => {
    const { live, deletedUuids } = await instancesOnHost(
      c.sql,
      req.host,
      new Date(c.now().getTime() - DELETED_WINDOW_MS),
    );
    return { instances: live.map((r) => r.instance), deletedUuids };
  });
