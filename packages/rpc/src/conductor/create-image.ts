// conductor.create_image — POST /v2/images: a new image record, `queued` until data is uploaded.
// The API has already checked the fields and the policy (owner, publicizing); an id that is taken
// (even by a deleted image) is a `conflict`.
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
} from "../models/image.js";

export const createImage = defineCall({
  service: "conductor",
  name: "create_image",
  version: "1.0",
  request: z.object({
    /** chosen by the client, else generated */
    id: z.uuid().optional(),
    owner: projectId,
    /** unset fields take Glance's defaults (visibility `shared`, not protected, 0, no tags) */
    fields: imageFieldsSchema,
    /** at most MAX_IMAGE_PROPERTIES (the API refuses more) */
    properties: z.record(imagePropertyKey, imagePropertyValue),
  }),
  reply: imageSchema,
});
