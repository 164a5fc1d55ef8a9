// conductor.update_flavor_extra_specs — set keys (POST and PUT os-extra_specs) or remove one
// (DELETE os-extra_specs/{key}); answers with every extra spec of the flavor afterwards.
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";

const specKey = z.string().min(1).max(255);

export const updateFlavorExtraSpecs = defineCall({
  service: "conductor",
  name: "update_flavor_extra_specs",
  version: "1.0",
  request: z.object({
    flavorid: z.string().min(1).max(255),
    set: z.record(specKey, z.string().max(255)).optional(),
    /** a key that is not there is `not_found` */
    unset: specKey.optional(),
  }),
  reply: z.object({ extraSpecs: z.record(z.string(), z.string()) }),
});
