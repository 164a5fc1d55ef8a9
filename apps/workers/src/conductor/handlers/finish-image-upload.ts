// conductor.finish_image_upload: saving → active with the data's size, digests and file.
import { finishImageUpload, handler, RpcError } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import { activateImage, getImageById } from "../repositories/images";

export const finishImageUploadHandler = (c: Conductor) =>
  handler(finishImageUpload, async (req, meta) => {
    const { id, ...data } = req;
    if (!(await activateImage(c.sql, id, data, c.now()))) {
      throw new RpcError(
        "conflict",
        `Image ${id} could not be found after upload. The image may have been deleted during the upload.`,
      );
    }
    meta.logger.info({ image: id, size: data.size }, "image active");
    const image = await getImageById(c.sql, id);
    if (!image) throw new RpcError("conflict", `Image ${id} was deleted during the upload.`);
    return image;
  });
