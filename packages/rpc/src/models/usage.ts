// What os-simple-tenant-usage is computed from: a server that ran during a window, deleted or not.
import { z } from "zod";
import { vmStateSchema } from "../domain/states.js";
import { isoDate, projectId } from "./common.js";

export const usageInstanceSchema = z.object({
  uuid: z.uuid(),
  name: z.string().max(255),
  projectId,
  /** the flavor it runs with (its snapshot: flavors may have changed or gone since) */
  flavorName: z.string().max(255),
  vcpus: z.number().int().min(0),
  memoryMb: z.number().int().min(0),
  rootGb: z.number().int().min(0),
  ephemeralGb: z.number().int().min(0),
  vmState: vmStateSchema,
  launchedAt: isoDate,
  terminatedAt: isoDate.nullable(),
});
export type UsageInstance = z.infer<typeof usageInstanceSchema>;
