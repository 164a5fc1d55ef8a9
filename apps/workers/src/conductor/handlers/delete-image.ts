// conductor.delete_image: mark the image deleted; the image API then removes its file.
import { deleteImage, handler, RpcError } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import { lockOwnImage } from "../images";
import { transaction } from "../repositories/db";
import { markImageDeleted } from "../repositories/images";

export const deleteImageHandler = (c: Conductor) =>
  handler(deleteImage, async (req, meta) => {
    const location = await transaction(c.sql, async (tx) => {
      const image = await lockOwnImage(tx, req.id, req.projectId, "You do not own this image");
      if (image.protected) {
        throw new RpcError("forbidden", `Image ${image.id} is protected and cannot be deleted.`);
      }
      await markImageDeleted(tx, image.id, c.now());
      return image.location;
    });
    meta.logger.info({ image: req.id }, "image deleted");
    return { location };
  });
