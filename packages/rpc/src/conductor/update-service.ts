// conductor.update_service — enable/disable a service (with a reason) or force it down.
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";
import { serviceSchema } from "../models/host.js";

/** A service by its uuid (API ≥ 2.53) or its integer id (older microversions). */
export const serviceRef = z.union([z.uuid(), z.number().int()]);

export const updateService = defineCall({
  service: "conductor",
  name: "update_service",
  version: "1.0",
  request: z.object({
    ref: serviceRef,
    disabled: z.boolean().optional(),
    disabledReason: z.string().max(255).nullable().optional(),
    forcedDown: z.boolean().optional(),
  }),
  reply: serviceSchema,
});
