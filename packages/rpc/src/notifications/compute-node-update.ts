// compute_node.update — a host's inventory or usage changed (a claim, a release, a report).
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineNotification } from "../contract.js";
import { computeNodeSchema } from "../models/host.js";

export const computeNodeUpdateEvent = defineNotification({
  event: "compute_node.update",
  version: "1.0",
  payload: z.object({ node: computeNodeSchema }),
});
