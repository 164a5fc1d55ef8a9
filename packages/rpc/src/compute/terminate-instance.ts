// compute.terminate_instance — destroy the domain and remove its disk, then conductor.instance_destroyed (sent to `compute.<host>` after the conductor set the task state; the
// compute reports the outcome with conductor.instance_update).
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCast } from "../contract.js";
import { instanceSchema } from "../models/instance.js";

export const terminateInstance = defineCast({
  service: "compute",
  name: "terminate_instance",
  version: "1.0",
  request: z.object({ instance: instanceSchema }),
});
