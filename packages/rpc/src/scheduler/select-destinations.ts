// scheduler.select_destinations — where should these servers go? For each instance: a host plus
// alternates (for rescheduling), and the explanation of the decision (hosts each filter removed,
// the final weights). With no fitting host: `no_valid_host`, whose details carry the explanation.
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";
import { explanationSchema, hostChoiceSchema, requestSpecSchema } from "../models/scheduling.js";

export const selectDestinations = defineCall({
  service: "scheduler",
  name: "select_destinations",
  version: "1.0",
  request: z.object({
    spec: requestSpecSchema,
    /** how many alternates to return after the chosen host, per instance */
    alternates: z.number().int().min(0).max(10),
  }),
  reply: z.object({
    selections: z.array(
      z.object({
        instanceUuid: z.uuid(),
        /** the chosen host first, then the alternates */
        hosts: z.array(hostChoiceSchema).min(1),
      }),
    ),
    explanation: explanationSchema,
  }),
});
