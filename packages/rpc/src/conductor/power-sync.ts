// conductor.power_sync — the hypervisor's view of a host's servers, sent by the compute's
// power-state sync loop when something differs from what it last reported. The conductor records
// the power states and, like Nova's _sync_instance_power_state, marks a server stopped when its
// guest shut itself down.
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";
import { powerStateSchema } from "../domain/states.js";
import { hostName } from "../models/common.js";

export const powerSync = defineCall({
  service: "conductor",
  name: "power_sync",
  version: "1.0",
  request: z.object({
    host: hostName,
    states: z.array(z.object({ uuid: z.uuid(), powerState: powerStateSchema })).max(10_000),
  }),
  reply: z.object({}),
});
