// conductor.host_states — every compute node with its usage and its service's state: the
// scheduler's starting view (then kept fresh by compute_node.update and service.update events).
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";
import { computeNodeSchema } from "../models/host.js";

export const hostStates = defineCall({
  service: "conductor",
  name: "host_states",
  version: "1.0",
  request: z.object({}),
  reply: z.object({ nodes: z.array(computeNodeSchema) }),
});
