// conductor.list_images — GET /v2/images: the images a project may see, filtered, sorted and
// paginated in the database as Glance does. A marker that names no image the caller can see is
// `invalid` (Glance answers 400).
//
// Visibility (Glance's rules): a project sees public and community images and its own; an admin
// (`allProjects`) sees every image. Without a visibility filter, community images of other
// projects are left out; `visibility: "all"` shows them too.
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";
import { isoDate, projectId } from "../models/common.js";
import {
  CONTAINER_FORMATS,
  DISK_FORMATS,
  IMAGE_SORT_KEYS,
  IMAGE_STATUSES,
  IMAGE_VISIBILITIES,
  imagePropertyKey,
  imagePropertyValue,
  imageSchema,
} from "../models/image.js";

const comparison = z.object({
  op: z.enum(["eq", "neq", "gt", "gte", "lt", "lte"]),
  at: isoDate,
});

export const listImages = defineCall({
  service: "conductor",
  name: "list_images",
  version: "1.0",
  request: z.object({
    /** the caller's project */
    projectId,
    /** an admin: every project's images (the API checks the policy) */
    allProjects: z.boolean(),
    filters: z.object({
      /** any of these ids (Glance's `id=in:a,b`) */
      ids: z.array(z.string().max(255)).max(1000).optional(),
      names: z.array(z.string().max(255)).max(1000).optional(),
      statuses: z.array(z.enum(IMAGE_STATUSES)).optional(),
      diskFormats: z.array(z.enum(DISK_FORMATS)).optional(),
      containerFormats: z.array(z.enum(CONTAINER_FORMATS)).optional(),
      visibility: z.enum([...IMAGE_VISIBILITIES, "all"]).optional(),
      owner: projectId.optional(),
      /** images carrying every one of these tags */
      tags: z.array(z.string().max(255)).max(128).optional(),
      protected: z.boolean().optional(),
      /** md5, hex */
      checksum: z.string().max(64).optional(),
      osHashValue: z.string().max(128).optional(),
      sizeMin: z.number().int().optional(),
      sizeMax: z.number().int().optional(),
      createdAt: comparison.optional(),
      updatedAt: comparison.optional(),
      /** free-form properties, each equal to the value given */
      properties: z.record(imagePropertyKey, imagePropertyValue).optional(),
    }),
    sort: z.array(z.object({ key: z.enum(IMAGE_SORT_KEYS), dir: z.enum(["asc", "desc"]) })).max(8),
    limit: z.number().int().min(0).max(1000),
    /** the id of the last image of the previous page */
    marker: z.string().min(1).max(255).optional(),
  }),
  reply: z.object({
    images: z.array(imageSchema),
  }),
});
