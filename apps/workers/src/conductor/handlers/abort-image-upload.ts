// conductor.abort_image_upload: a failed upload puts the image back in the queue.
import { abortImageUpload, handler } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import { requeueImage } from "../repositories/images";

export const abortImageUploadHandler = (c: Conductor) =>
  handler(abortImageUpload, async (req) => {
    await requeueImage(c.sql, req.id, c.now());
    return {};
  });
