// conductor.abort_image_upload — an upload failed (client gone, too large, disk error): saving →
// queued, so the upload can be tried again, as Glance restores it. Idempotent: an image no longer
// saving is left as it is.
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";

export const abortImageUpload = defineCall({
  service: "conductor",
  name: "abort_image_upload",
  version: "1.0",
  request: z.object({ id: z.uuid() }),
  reply: z.object({}),
});
