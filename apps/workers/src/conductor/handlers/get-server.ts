// conductor.get_server: one server in the caller's project (another project's is "not found").
import { getServer, handler } from "@nimbus/rpc";
import { z } from "zod";
import type { Conductor } from "../deps";
import { instanceNotFound } from "../messages";
import { getInstance } from "../repositories/instances";

export const isUuid = (s: string) => z.uuid().safeParse(s).success;

export const getServerHandler = (c: Conductor) =>
  handler(getServer, async (req) => {
    // A name where an id is expected is "not found" (clients then search by name).
    if (!isUuid(req.uuid)) throw instanceNotFound(req.uuid);
    const record = await getInstance(c.sql, req.uuid, { projectId: req.projectId });
    if (!record) throw instanceNotFound(req.uuid);
    return record.instance;
  });
