// conductor.update_image: PATCH /v2/images/{id}, applied under the image's row lock.
import {
  handler,
  MAX_IMAGE_PROPERTIES,
  MAX_IMAGE_TAGS,
  RpcError,
  updateImage,
  type Image,
} from "@nimbus/rpc";
import type { Conductor } from "../deps";
import { lockOwnImage } from "../images";
import { transaction } from "../repositories/db";
import { saveImage } from "../repositories/images";

export const updateImageHandler = (c: Conductor) =>
  handler(updateImage, async (req) =>
    transaction(c.sql, async (tx) => {
      const image = await lockOwnImage(tx, req.id, req.projectId, "You do not own this image");
      const f = req.fields;
      // Glance lets the formats change only before there is data in them.
      for (const [key, value] of [
        ["disk_format", f.diskFormat],
        ["container_format", f.containerFormat],
      ] as const) {
        if (value !== undefined && image.status !== "queued") {
          throw new RpcError(
            "forbidden",
            `Attribute ${key} can be only replaced for a queued image.`,
          );
        }
      }
      const properties = { ...image.properties };
      for (const op of req.properties) {
        if (op.op !== "add" && !(op.key in properties)) {
          throw new RpcError("conflict", `Property ${op.key} does not exist.`);
        }
        if (op.op === "remove") delete properties[op.key];
        else properties[op.key] = op.value;
      }
      const tags = new Set(f.tags ?? image.tags);
      for (const tag of req.addTags ?? []) tags.add(tag);
      for (const tag of req.removeTags ?? []) {
        if (!tags.delete(tag))
          throw new RpcError("not_found", `Tag ${tag} not found on image ${image.id}.`);
      }
      if (tags.size > MAX_IMAGE_TAGS) {
        throw new RpcError(
          "over_quota",
          `The limit has been exceeded on the number of allowed image tags. Attempted: ${tags.size}, Maximum: ${MAX_IMAGE_TAGS}`,
        );
      }
      const count = Object.keys(properties).length;
      if (count > MAX_IMAGE_PROPERTIES) {
        throw new RpcError(
          "over_quota",
          `The limit has been exceeded on the number of allowed image properties. Attempted: ${count}, Maximum: ${MAX_IMAGE_PROPERTIES}`,
        );
      }
      const updated: Image = {
        ...image,
        name: f.name === undefined ? image.name : f.name,
        visibility: f.visibility ?? image.visibility,
        owner: f.owner ?? image.owner,
        protected: f.protected ?? image.protected,
        minDisk: f.minDisk ?? image.minDisk,
        minRam: f.minRam ?? image.minRam,
        diskFormat: f.diskFormat === undefined ? image.diskFormat : f.diskFormat,
        containerFormat:
          f.containerFormat === undefined ? image.containerFormat : f.containerFormat,
        tags: [...tags],
        properties,
      };
      const now = c.now();
      await saveImage(tx, updated, now);
      return { ...updated, updatedAt: now.toISOString() };
    }),
  );
