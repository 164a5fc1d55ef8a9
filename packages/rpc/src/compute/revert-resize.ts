// compute.revert_resize — go back to the old flavor (`instance.oldFlavor`) (sent to `compute.<host>` after the conductor set the task state; the
// compute reports the outcome with conductor.instance_update).
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCast } from "../contract.js";
import { instanceSchema } from "../models/instance.js";

export const revertResize = defineCast({
  service: "compute",
  name: "revert_resize",
  version: "1.0",
  request: z.object({ instance: instanceSchema }),
});
