// conductor.begin_image_upload — PUT /v2/images/{id}/file starts: queued → saving, a
// compare-and-swap, so of two concurrent uploads one gets a `conflict`. Not visible: `not_found`;
// not owned: `forbidden`; disk or container format unset: `invalid` (Glance needs both first).
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";
import { projectId } from "../models/common.js";
import { imageSchema } from "../models/image.js";

export const beginImageUpload = defineCall({
  service: "conductor",
  name: "begin_image_upload",
  version: "1.0",
  request: z.object({
    id: z.string().min(1).max(255),
    /** the caller's project; null: any image (admins) */
    projectId: projectId.nullable(),
  }),
  reply: imageSchema,
});
