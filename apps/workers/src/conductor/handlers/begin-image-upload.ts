// conductor.begin_image_upload: queued → saving under the row lock, so one upload wins.
import { beginImageUpload, handler, RpcError } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import { lockOwnImage } from "../images";
import { transaction } from "../repositories/db";
import { setImageStatus } from "../repositories/images";

export const beginImageUploadHandler = (c: Conductor) =>
  handler(beginImageUpload, async (req) =>
    transaction(c.sql, async (tx) => {
      const image = await lockOwnImage(
        tx,
        req.id,
        req.projectId,
        `Not allowed to upload image data for image ${req.id}`,
      );
      if (image.status !== "queued") {
        throw new RpcError(
          "conflict",
          `Image status transition from ${image.status} to saving is not allowed`,
        );
      }
      const missing = [
        ...(image.diskFormat ? [] : ["disk_format"]),
        ...(image.containerFormat ? [] : ["container_format"]),
      ];
      if (missing.length > 0) {
        const what = missing.length === 1 ? "Property" : "Properties";
        throw new RpcError(
          "invalid",
          `${what} ${missing.join(", ")} must be set prior to saving data.`,
        );
      }
      const now = c.now();
      await setImageStatus(tx, image.id, "saving", now);
      return { ...image, status: "saving" as const, updatedAt: now.toISOString() };
    }),
  );
