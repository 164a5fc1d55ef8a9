// An image as Glance v2 shows it, plus where its bytes are on the image host's disk, and the
// fields a client may set on one.
import { z } from "zod";
import { isoDate, projectId } from "./common.js";

export const IMAGE_STATUSES = [
  "queued",
  "saving",
  "active",
  "killed",
  "deleted",
  "pending_delete",
] as const;
export const IMAGE_VISIBILITIES = ["public", "private", "shared", "community"] as const;
/** Glance's default `[image_format] disk_formats`. */
export const DISK_FORMATS = [
  "ami",
  "ari",
  "aki",
  "vhd",
  "vhdx",
  "vmdk",
  "raw",
  "qcow2",
  "vdi",
  "iso",
  "ploop",
] as const;
/** Glance's default `[image_format] container_formats`. */
export const CONTAINER_FORMATS = [
  "ami",
  "ari",
  "aki",
  "bare",
  "ovf",
  "ova",
  "docker",
  "compressed",
] as const;
/** The keys GET /v2/images may sort by (Glance's `_available_sort_keys`). */
export const IMAGE_SORT_KEYS = [
  "name",
  "status",
  "container_format",
  "disk_format",
  "size",
  "id",
  "created_at",
  "updated_at",
] as const;
/** Glance's `image_property_quota` and `image_tag_quota` defaults. */
export const MAX_IMAGE_PROPERTIES = 128;
export const MAX_IMAGE_TAGS = 128;

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

export const imagePropertyKey = z.string().min(1).max(255);
/** Glance keeps property values as TEXT. */
export const imagePropertyValue = z.string().max(65535);

/** The core fields a client sets on an image (create, PATCH), each optional. */
export const imageFieldsSchema = z.object({
  name: z.string().max(255).nullable().optional(),
  visibility: z.enum(IMAGE_VISIBILITIES).optional(),
  protected: z.boolean().optional(),
  minDisk: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .optional(),
  minRam: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .optional(),
  diskFormat: z.enum(DISK_FORMATS).nullable().optional(),
  containerFormat: z.enum(CONTAINER_FORMATS).nullable().optional(),
  /** a set: duplicates are dropped */
  tags: z.array(z.string().min(1).max(255)).max(MAX_IMAGE_TAGS).optional(),
});
export type ImageFields = z.infer<typeof imageFieldsSchema>;
