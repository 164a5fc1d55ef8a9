// conductor.delete_image — DELETE /v2/images/{id}: marks the image deleted and answers where its
// data was, for the image API to remove (the record goes first, so nothing can download a file
// being removed). Not visible: `not_found`; not owned, or protected: `forbidden`.
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";
import { projectId } from "../models/common.js";

export const deleteImage = defineCall({
  service: "conductor",
  name: "delete_image",
  version: "1.0",
  request: z.object({
    id: z.string().min(1).max(255),
    /** the caller's project; null: any image (admins) */
    projectId: projectId.nullable(),
  }),
  reply: z.object({
    /** the file that held the image's data, if it had any */
    location: z.string().nullable(),
  }),
});
