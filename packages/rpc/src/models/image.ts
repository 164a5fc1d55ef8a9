// An image as Glance v2 shows it, plus where its bytes are on the image host's disk.
import { z } from "zod";
import { isoDate, projectId } from "./common.js";

export const IMAGE_STATUSES = ["queued", "saving", "active", "killed", "deleted", "pending_delete"] as const;
export const IMAGE_VISIBILITIES = ["public", "private", "shared", "community"] as const;

export const imageSchema = z.object({
  id: z.uuid(),
  name: z.string().max(255).nullable(),
  status: z.enum(IMAGE_STATUSES),
  visibility: z.enum(IMAGE_VISIBILITIES),
  owner: projectId.nullable(),
  diskFormat: z.string().max(32).nullable(),
  containerFormat: z.string().max(32).nullable(),
  size: z.number().int().nullable(),
  virtualSize: z.number().int().nullable(),
  checksum: z.string().max(64).nullable(),
  osHashAlgo: z.string().max(64).nullable(),
  osHashValue: z.string().max(128).nullable(),
  minDisk: z.number().int(),
  minRam: z.number().int(),
  protected: z.boolean(),
  properties: z.record(z.string(), z.string()),
  tags: z.array(z.string()),
  /** the file on the image host; never shown to API clients */
  location: z.string().nullable(),
  createdAt: isoDate,
  updatedAt: isoDate,
});
export type Image = z.infer<typeof imageSchema>;
