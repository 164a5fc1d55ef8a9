// conductor.instance_update — a compute host records what it did to a server: new vm/task/power
// states and times, guarded by the task state it expects (compare-and-swap: a mismatch is a
// `conflict`, e.g. the server was deleted meanwhile), optionally finishing an action event and
// recording a fault.
// Publishes instance.update.
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";
import { powerStateSchema, taskStateSchema, vmStateSchema } from "../domain/states.js";
import { eventReportSchema } from "../models/action.js";
import { hostName, isoDate } from "../models/common.js";
import { instanceSchema } from "../models/instance.js";

export const instanceUpdate = defineCall({
  service: "conductor",
  name: "instance_update",
  version: "1.0",
  request: z.object({
    uuid: z.uuid(),
    /** the caller's host: the update is refused if the server lives elsewhere */
    host: hostName,
    /** the task states the server must be in for the update to apply */
    expectedTaskState: z.array(taskStateSchema.nullable()).min(1).optional(),
    changes: z.object({
      vmState: vmStateSchema.optional(),
      taskState: taskStateSchema.nullable().optional(),
      powerState: powerStateSchema.optional(),
      launchedAt: isoDate.optional(),
      node: z.string().max(255).optional(),
      progress: z.number().int().min(0).max(100).optional(),
      /**
       * resize bookkeeping: "finished" makes the new flavor current (old kept for a revert),
       * "confirmed" forgets the old one, "reverted" goes back to it and releases the difference
       */
      resize: z.enum(["finished", "confirmed", "reverted"]).optional(),
    }),
    event: eventReportSchema.optional(),
    /** record a fault on the server (e.g. a failed action: Nova's wrap_instance_fault) */
    fault: z
      .object({
        code: z.number().int(),
        message: z.string().max(255),
        details: z.string().max(65_535).nullable(),
      })
      .optional(),
  }),
  reply: instanceSchema,
});
