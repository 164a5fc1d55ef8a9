// conductor.get_image: one image the caller may see.
import { getImage, handler, RpcError } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import { findVisibleImage } from "../repositories/catalog";
import { isUuid } from "./get-server";

export const getImageHandler = (c: Conductor) =>
  handler(getImage, async (req) => {
    const image = isUuid(req.id) ? await findVisibleImage(c.sql, req.id, req.projectId) : null;
    if (!image) throw new RpcError("not_found", `Image ${req.id} could not be found.`);
    return image;
  });
