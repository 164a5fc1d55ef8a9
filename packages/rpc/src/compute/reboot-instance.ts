// compute.reboot_instance — reboot SOFT (ACPI shutdown + start, falling back to HARD) or HARD (power cycle) (sent to `compute.<host>` after the conductor set the task state; the
// compute reports the outcome with conductor.instance_update).
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCast } from "../contract.js";
import { instanceSchema } from "../models/instance.js";

export const rebootInstance = defineCast({
  service: "compute",
  name: "reboot_instance",
  version: "1.0",
  request: z.object({ instance: instanceSchema, type: z.enum(["SOFT", "HARD"]) }),
});
