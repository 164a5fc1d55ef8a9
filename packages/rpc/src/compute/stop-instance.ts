// compute.stop_instance — shut the guest down cleanly (ACPI), then power it off after a timeout (sent to `compute.<host>` after the conductor set the task state; the
// compute reports the outcome with conductor.instance_update).
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCast } from "../contract.js";
import { instanceSchema } from "../models/instance.js";

export const stopInstance = defineCast({
  service: "compute",
  name: "stop_instance",
  version: "1.0",
  request: z.object({ instance: instanceSchema }),
});
