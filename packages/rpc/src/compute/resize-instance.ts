// compute.resize_instance — redefine the domain with the new flavor (`instance.newFlavor`) on this same host, growing its disk (sent to `compute.<host>` after the conductor set the task state; the
// compute reports the outcome with conductor.instance_update).
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCast } from "../contract.js";
import { instanceSchema } from "../models/instance.js";

export const resizeInstance = defineCast({
  service: "compute",
  name: "resize_instance",
  version: "1.0",
  request: z.object({ instance: instanceSchema }),
});
