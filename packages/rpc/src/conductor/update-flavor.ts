// conductor.update_flavor — PUT /flavors/{id} (API ≥ 2.55): only the description changes.
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";
import { flavorSchema } from "../models/flavor.js";

export const updateFlavor = defineCall({
  service: "conductor",
  name: "update_flavor",
  version: "1.0",
  request: z.object({
    flavorid: z.string().min(1).max(255),
    description: z.string().max(65_535).nullable(),
  }),
  reply: flavorSchema,
});
