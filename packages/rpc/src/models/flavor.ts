// A flavor as the rest of the system sees it, and the copy an instance keeps of the flavor it was
// built with (Nova embeds it in the server since 2.47).
import { z } from "zod";
import { isoDate } from "./common.js";

export const flavorSnapshotSchema = z.object({
  /** the public id (Nova's flavorid), e.g. "1" */
  id: z.string().min(1).max(255),
  name: z.string().min(1).max(255),
  memoryMb: z.number().int().min(0),
  vcpus: z.number().int().min(0),
  rootGb: z.number().int().min(0),
  ephemeralGb: z.number().int().min(0),
  swap: z.number().int().min(0),
  extraSpecs: z.record(z.string(), z.string()),
});
export type FlavorSnapshot = z.infer<typeof flavorSnapshotSchema>;

export const flavorSchema = flavorSnapshotSchema.extend({
  rxtxFactor: z.number(),
  isPublic: z.boolean(),
  disabled: z.boolean(),
  description: z.string().nullable(),
  createdAt: isoDate,
  updatedAt: isoDate.nullable(),
});
export type Flavor = z.infer<typeof flavorSchema>;
