// conductor.create_flavor — POST /flavors. A taken name or id is a `conflict` in Nova's words.
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";
import { flavorSchema } from "../models/flavor.js";

const MAX_INT = 0x7fffffff;

export const createFlavor = defineCall({
  service: "conductor",
  name: "create_flavor",
  version: "1.0",
  request: z.object({
    /** null: a new uuid */
    flavorid: z.string().min(1).max(255).nullable(),
    name: z.string().min(1).max(255),
    memoryMb: z.number().int().min(1).max(MAX_INT),
    vcpus: z.number().int().min(1).max(MAX_INT),
    rootGb: z.number().int().min(0).max(MAX_INT),
    ephemeralGb: z.number().int().min(0).max(MAX_INT),
    swap: z.number().int().min(0).max(MAX_INT),
    rxtxFactor: z.number().positive(),
    isPublic: z.boolean(),
    description: z.string().max(65_535).nullable(),
  }),
  reply: flavorSchema,
});
