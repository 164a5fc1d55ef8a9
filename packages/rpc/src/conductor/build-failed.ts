// conductor.build_failed — a compute host could not build a server. The conductor frees its claim
// and reschedules it to another host while attempts remain (max_attempts), else sets ERROR with a
// fault that says why.
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";
import { hostName } from "../models/common.js";

export const buildFailed = defineCall({
  service: "conductor",
  name: "build_failed",
  version: "1.0",
  request: z.object({
    uuid: z.uuid(),
    host: hostName,
    /**
     * the attempt that failed, as in compute.build_and_run_instance; absent when the host cannot
     * know it (a compute restarted mid-build reports its stuck builds): the current attempt
     */
    attempt: z.number().int().min(1).optional(),
    /** shown to the user in the fault */
    reason: z.string().max(255),
    traceback: z.string().max(65_535).optional(),
    /** false when another host cannot help (e.g. the image is broken) */
    retryable: z.boolean(),
  }),
  reply: z.object({ rescheduled: z.boolean() }),
});
