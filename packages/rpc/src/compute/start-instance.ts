// compute.start_instance — power a stopped server on (sent to `compute.<host>` after the conductor set the task state; the
// compute reports the outcome with conductor.instance_update).
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCast } from "../contract.js";
import { instanceSchema } from "../models/instance.js";

export const startInstance = defineCast({
  service: "compute",
  name: "start_instance",
  version: "1.0",
  request: z.object({ instance: instanceSchema }),
});
