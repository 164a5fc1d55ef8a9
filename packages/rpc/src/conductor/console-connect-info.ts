// conductor.console_connect_info — the API's (and consoleauth's) way to a server's console: the
// server in the caller's project (not_found otherwise), with a console now (`conflict` "Instance …
// is not ready" otherwise, as Nova says it), and its display's address asked of its compute host.
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";
import { hostName, projectId } from "../models/common.js";

export const consoleConnectInfo = defineCall({
  service: "conductor",
  name: "console_connect_info",
  version: "1.0",
  request: z.object({
    uuid: z.string().min(1).max(255),
    /** null: any project (admins, consoleauth) */
    projectId: projectId.nullable(),
  }),
  reply: z.object({
    instanceUuid: z.uuid(),
    /** the compute service the instance is on */
    computeHost: hostName,
    /** the display, as the console proxy reaches it */
    host: z.string().min(1).max(255),
    port: z.number().int().min(1).max(65535),
  }),
});
