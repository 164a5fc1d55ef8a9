// conductor.list_images: GET /v2/images, filtered, sorted and paginated in the database.
import { handler, listImages, RpcError } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import { listImages as queryImages } from "../repositories/images";

export const listImagesHandler = (c: Conductor) =>
  handler(listImages, async (req) => {
    const { createdAt, updatedAt, ...filters } = req.filters;
    const at = (cmp: typeof createdAt) => cmp && { op: cmp.op, at: new Date(cmp.at) };
    const outcome = await queryImages(c.sql, {
      ...req,
      filters: { ...filters, createdAt: at(createdAt), updatedAt: at(updatedAt) },
    });
    if ("error" in outcome) throw new RpcError("invalid", `No image found with ID ${req.marker}`);
    return outcome;
  });
