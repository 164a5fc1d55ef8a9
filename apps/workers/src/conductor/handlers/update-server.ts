// conductor.update_server: PUT /servers/{id} (name, description, hostname, access IPs).
import { handler, updateServer } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import { instanceNotFound } from "../messages";
import { getInstance, updateInstance } from "../repositories/instances";
import { isUuid } from "./get-server";

export const updateServerHandler = (c: Conductor) =>
  handler(updateServer, async (req, meta) => {
    if (!isUuid(req.uuid)) throw instanceNotFound(req.uuid);
    const scope = { projectId: req.projectId };
    if (!(await getInstance(c.sql, req.uuid, scope))) throw instanceNotFound(req.uuid);
    const { name, description, hostname, accessIpV4, accessIpV6 } = req.changes;
    const applied = await updateInstance(
      c.sql,
      req.uuid,
      {},
      { displayName: name, description, hostname, accessIpV4, accessIpV6 },
      c.now(),
    );
    const updated = applied ? await getInstance(c.sql, req.uuid, scope) : null;
    if (!updated) throw instanceNotFound(req.uuid);
    c.notifier.instanceUpdated(updated.instance, meta.ctx);
    return updated.instance;
  });
