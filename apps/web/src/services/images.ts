// Images (Glance v2): records through the conductor, data in the local image store. The conductor
// decides visibility (public and community images for all, the others for their project, all for
// admins and services) and ownership; the policy table decides roles.
import { stat } from "node:fs/promises";
import type { Readable } from "node:stream";
import {
  abortImageUpload,
  beginImageUpload,
  createImage as createImageContract,
  deleteImage as deleteImageContract,
  finishImageUpload,
  getImage as getImageContract,
  isRpcError,
  listImages as listImagesContract,
  RpcError,
  updateImage as updateImageContract,
  type Image,
} from "@nimbus/rpc";
import type { z } from "zod";
import {
  authorize,
  authorizeOn,
  busContext,
  forbidden,
  projectScope,
  type ServiceContext,
} from "./context";
import { inStore, removeImageData, writeImageData, type WriteOptions } from "./image-store";

export async function getImage(ctx: ServiceContext, id: string): Promise<Image> {
  authorize(ctx, "images:read");
  if (id.length > 255) throw imageNotFound(id);
  try {
    return await ctx.bus.call(
      getImageContract,
      { id, projectId: projectScope(ctx) },
      { ctx: busContext(ctx) },
    );
  } catch (err) {
    // Glance's words, whatever the conductor said.
    if (isRpcError(err, "not_found")) throw imageNotFound(id);
    throw err;
  }
}

export function imageNotFound(id: string): RpcError {
  return new RpcError("not_found", `No image found with ID ${id}`);
}

export type ImageListRequest = Omit<
  z.input<typeof listImagesContract.request>,
  "projectId" | "allProjects"
>;

/** A page of the images the caller may see (an admin sees every project's). */
export async function listImages(ctx: ServiceContext, req: ImageListRequest): Promise<Image[]> {
  authorize(ctx, "images:read");
  const { images } = await ctx.bus.call(
    listImagesContract,
    { ...req, projectId: ctx.projectId, allProjects: projectScope(ctx) === null },
    { ctx: busContext(ctx) },
  );
  return images;
}

export type NewImage = Omit<z.input<typeof createImageContract.request>, "owner"> & {
  /** another project than the caller's: admins only */
  owner?: string | undefined;
};

export async function createImage(ctx: ServiceContext, image: NewImage): Promise<Image> {
  authorize(ctx, "images:write");
  if (image.fields.visibility === "public") authorize(ctx, "images:publicize");
  const owner = image.owner ?? ctx.projectId;
  if (owner !== ctx.projectId && projectScope(ctx) !== null) {
    throw new RpcError("forbidden", `You are not permitted to create images owned by '${owner}'.`);
  }
  return ctx.bus.call(createImageContract, { ...image, owner }, { ctx: busContext(ctx) });
}

export type ImageChanges = Pick<
  z.input<typeof updateImageContract.request>,
  "fields" | "properties" | "addTags" | "removeTags"
>;

export async function updateImage(
  ctx: ServiceContext,
  id: string,
  changes: ImageChanges,
): Promise<Image> {
  await authorizeWrite(ctx, id);
  if (changes.fields.visibility === "public") authorize(ctx, "images:publicize");
  if (changes.fields.owner !== undefined && projectScope(ctx) !== null) {
    throw new RpcError("forbidden", "Owner can't be updated by non admin.");
  }
  return ctx.bus.call(
    updateImageContract,
    { id, projectId: projectScope(ctx), ...changes },
    { ctx: busContext(ctx) },
  );
}

/** Delete the record, then the data it had (the record first, so no download starts on a file going away). */
export async function deleteImage(ctx: ServiceContext, id: string, imagesDir: string) {
  await authorizeWrite(ctx, id);
  const { location } = await ctx.bus.call(
    deleteImageContract,
    { id, projectId: projectScope(ctx) },
    { ctx: busContext(ctx) },
  );
  if (location && !inStore(imagesDir, location)) {
    ctx.log.warn(
      { image: id, location },
      "deleted image's data is outside the image store; left in place",
    );
  }
  await removeImageData(imagesDir, id, location);
}

/** The upload's image was deleted (or reset) while its data streamed in. */
export class ImageGoneError extends Error {
  override name = "ImageGoneError";
}

/**
 * Store `body` as the image's data: queued → saving (one upload at a time), stream to disk, then
 * saving → active. A failed transfer puts the image back in the queue and leaves no file behind.
 */
export async function uploadImage(
  ctx: ServiceContext,
  id: string,
  body: Readable,
  opts: Omit<WriteOptions, "diskFormat"> & { imagesDir: string },
): Promise<Image> {
  await authorizeWrite(ctx, id);
  const image = await ctx.bus.call(
    beginImageUpload,
    { id, projectId: projectScope(ctx) },
    { ctx: busContext(ctx) },
  );
  const bus = { ctx: busContext(ctx) };
  let stored;
  try {
    stored = await writeImageData(opts.imagesDir, image.id, body, {
      ...opts,
      diskFormat: image.diskFormat,
    });
  } catch (err) {
    await ctx.bus.call(abortImageUpload, { id: image.id }, bus).catch((abortErr: unknown) => {
      ctx.log.error(
        { err: abortErr, image: image.id },
        "could not put the image back in the queue",
      );
    });
    throw err;
  }
  try {
    const { path, ...data } = stored;
    return await ctx.bus.call(
      finishImageUpload,
      { id: image.id, ...data, osHashAlgo: "sha512", location: path },
      bus,
    );
  } catch (err) {
    await removeImageData(opts.imagesDir, image.id, stored.path);
    if (isRpcError(err, "conflict")) throw new ImageGoneError(err.message);
    await ctx.bus.call(abortImageUpload, { id: image.id }, bus).catch(() => undefined);
    throw err;
  }
}

/**
 * Writing needs a member of the image's project (or an admin). A member's own project is settled
 * by the conductor (not visible: 404, another project's: 403); anyone else is looked up first, so
 * an image they cannot see is a 404 before any 403.
 */
async function authorizeWrite(ctx: ServiceContext, id: string) {
  await authorizeOn(ctx, "images:write", async () => {
    const image = await getImage(ctx, id);
    if (!image.owner) throw forbidden("images:write");
    return { projectId: image.owner };
  });
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
  if (!inStore(imagesDir, image.location)) {
    throw new Error(`image ${image.id} is stored outside the image store (${image.location})`);
  }
  try {
    const info = await stat(image.location);
    return info.isFile() ? { path: image.location, size: info.size } : null;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
}
