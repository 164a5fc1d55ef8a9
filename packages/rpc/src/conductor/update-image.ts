// conductor.update_image — PATCH /v2/images/{id}: Glance's JSON-patch, already checked by the API
// (paths, types, read-only attributes, policy), applied atomically here with the rules that need
// the stored image:
//   - an image the caller cannot see is `not_found`; one it sees but does not own is `forbidden`;
//   - disk and container formats change only while the image is queued (`forbidden`);
//   - `replace` or `remove` of a property the image lacks is a `conflict`; `add` sets or overwrites;
//   - removing a tag the image lacks is `not_found` (Glance's DELETE /v2/images/{id}/tags/{tag});
//   - more than MAX_IMAGE_PROPERTIES properties or MAX_IMAGE_TAGS tags is `over_quota`.
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";
import { projectId } from "../models/common.js";
import {
  imageFieldsSchema,
  imagePropertyKey,
  imagePropertyValue,
  imageSchema,
  MAX_IMAGE_TAGS,
} from "../models/image.js";

export const updateImage = defineCall({
  service: "conductor",
  name: "update_image",
  version: "1.0",
  request: z.object({
    id: z.string().min(1).max(255),
    /** the caller's project; null: any image (admins) */
    projectId: projectId.nullable(),
    /** core fields to set (the last operation on each) */
    fields: imageFieldsSchema.extend({ owner: projectId.optional() }),
    /** operations on free-form properties, in the patch's order */
    properties: z
      .array(
        z.discriminatedUnion("op", [
          z.object({
            op: z.enum(["add", "replace"]),
            key: imagePropertyKey,
            value: imagePropertyValue,
          }),
          z.object({ op: z.literal("remove"), key: imagePropertyKey }),
        ]),
      )
      .max(1000),
    /** tags added to and then removed from the image's set (after `fields.tags`, if given) */
    addTags: z.array(z.string().min(1).max(255)).max(MAX_IMAGE_TAGS).optional(),
    removeTags: z.array(z.string().min(1).max(255)).max(MAX_IMAGE_TAGS).optional(),
  }),
  reply: imageSchema,
});
