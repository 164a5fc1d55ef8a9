// conductor.instance_destroyed — a compute host removed a deleted server's domain and disk: the
// conductor frees its resources, soft-deletes the record and publishes instance.delete.
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";
import { hostName } from "../models/common.js";

export const instanceDestroyed = defineCall({
  service: "conductor",
  name: "instance_destroyed",
  version: "1.0",
  request: z.object({ uuid: z.uuid(), host: hostName }),
  reply: z.object({}),
});
