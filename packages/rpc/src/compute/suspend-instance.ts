// compute.suspend_instance — save the guest's memory to disk and stop it (managed save) (sent to `compute.<host>` after the conductor set the task state; the
// compute reports the outcome with conductor.instance_update).
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCast } from "../contract.js";
import { instanceSchema } from "../models/instance.js";

export const suspendInstance = defineCast({
  service: "compute",
  name: "suspend_instance",
  version: "1.0",
  request: z.object({ instance: instanceSchema }),
});
