// compute.pause_instance — freeze the guest in memory (sent to `compute.<host>` after the conductor set the task state; the
// compute reports the outcome with conductor.instance_update).
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCast } from "../contract.js";
import { instanceSchema } from "../models/instance.js";

export const pauseInstance = defineCast({
  service: "compute",
  name: "pause_instance",
  version: "1.0",
  request: z.object({ instance: instanceSchema }),
});
