// compute.confirm_resize — keep the new flavor; drop what a revert would have needed (sent to `compute.<host>` after the conductor set the task state; the
// compute reports the outcome with conductor.instance_update).
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCast } from "../contract.js";
import { instanceSchema } from "../models/instance.js";

export const confirmResize = defineCast({
  service: "compute",
  name: "confirm_resize",
  version: "1.0",
  request: z.object({ instance: instanceSchema }),
});
