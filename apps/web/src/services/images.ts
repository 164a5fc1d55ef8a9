// Images, as far as the compute hosts need them now: one image's record and where its bytes are.
// The conductor decides visibility (public images for all, private ones for their project, all for
// admins and services).
import { stat } from "node:fs/promises";
import { isAbsolute, relative, resolve } from "node:path";
import { getImage as getImageContract, RpcError, type Image } from "@nimbus/rpc";
import { authorize, busContext, projectScope, type ServiceContext } from "./context";

export async function getImage(ctx: ServiceContext, id: string): Promise<Image> {
  authorize(ctx, "images:read");
  if (id.length > 255) throw imageNotFound(id);
  return ctx.bus.call(
    getImageContract,
    { id, projectId: projectScope(ctx) },
    { ctx: busContext(ctx) },
  );
}

export function imageNotFound(id: string): RpcError {
  return new RpcError("not_found", `No image found with ID ${id}`);
}

export interface ImageData {
  path: string;
  size: number;
}

/**
 * The file holding an image's bytes, or null when it has none to give (not uploaded yet, or gone
 * from the disk). Only files inside the image store are served, whatever the record says.
 */
export async function imageData(image: Image, imagesDir: string): Promise<ImageData | null> {
  if (image.status !== "active" || !image.location) return null;
  const path = resolve(image.location);
  const rel = relative(resolve(imagesDir), path);
  if (rel === "" || rel.startsWith("..") || isAbsolute(rel)) {
    throw new Error(`image ${image.id} is stored outside the image store (${path})`);
  }
  try {
    const info = await stat(path);
    return info.isFile() ? { path, size: info.size } : null;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
}
