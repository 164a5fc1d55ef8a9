// conductor.create_image: a queued image record (POST /v2/images).
import { randomUUID } from "node:crypto";
import { createImage, handler, RpcError } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import { isUniqueViolation } from "../repositories/db";
import { getImageById, insertImage } from "../repositories/images";

export const createImageHandler = (c: Conductor) =>
  handler(createImage, async (req, meta) => {
    const id = req.id ?? randomUUID();
    try {
      await insertImage(c.sql, { ...req, id }, c.now());
    } catch (err) {
      // Ids of deleted images stay taken, as in Glance.
      if (isUniqueViolation(err)) throw new RpcError("conflict", `Image ID ${id} already exists!`);
      throw err;
    }
    meta.logger.info({ image: id, owner: req.owner }, "image created");
    const image = await getImageById(c.sql, id);
    if (!image) throw new Error(`image ${id} vanished after its creation`);
    return image;
  });
