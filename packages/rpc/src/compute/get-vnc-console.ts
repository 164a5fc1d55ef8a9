// compute.get_vnc_console — where a running guest's VNC display listens, as the console proxy
// reaches it: the compute's NIMBUS_VNC_LISTEN address, or the host's own address when the display
// listens on every interface.
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";

export const getVncConsole = defineCall({
  service: "compute",
  name: "get_vnc_console",
  version: "1.0",
  request: z.object({ uuid: z.uuid() }),
  reply: z.object({
    host: z.string().min(1).max(255),
    port: z.number().int().min(1).max(65535),
  }),
});
