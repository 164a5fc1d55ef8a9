// conductor.finish_image_upload — the data is on disk: saving → active with its size, digests and
// location, a compare-and-swap on `saving`. An image deleted (or reset) meanwhile is a `conflict`,
// and the API then removes the file it wrote.
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";
import { imageSchema } from "../models/image.js";

export const finishImageUpload = defineCall({
  service: "conductor",
  name: "finish_image_upload",
  version: "1.0",
  request: z.object({
    id: z.uuid(),
    size: z.number().int().min(0),
    /** qcow2's declared disk size; null for other formats */
    virtualSize: z.number().int().min(0).nullable(),
    /** md5, hex */
    checksum: z.string().regex(/^[0-9a-f]{32}$/),
    osHashAlgo: z.literal("sha512"),
    osHashValue: z.string().regex(/^[0-9a-f]{128}$/),
    /** the file holding the data */
    location: z.string().min(1).max(4096),
  }),
  reply: imageSchema,
});
