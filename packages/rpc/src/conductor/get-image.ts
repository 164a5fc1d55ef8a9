// conductor.get_image — one image, if the caller may see it (public, or owned by its project;
// admins see all). Used by the image API and, through it, by compute hosts fetching the bytes.
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";
import { projectId } from "../models/common.js";
import { imageSchema } from "../models/image.js";

export const getImage = defineCall({
  service: "conductor",
  name: "get_image",
  version: "1.0",
  request: z.object({
    id: z.string().min(1).max(255),
    /** null: any image (admins and services) */
    projectId: projectId.nullable(),
  }),
  reply: imageSchema,
});
