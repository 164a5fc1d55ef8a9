// What the image handlers share: Glance's wording for its errors, and the rule that an image is
// changed only by its owner (or an admin) once the caller can see it at all.
import { RpcError, type Image } from "@nimbus/rpc";
import { isUuid } from "./handlers/get-server";
import type { Tx } from "./repositories/db";
import { lockVisibleImage } from "./repositories/images";

export const imageNotFound = (id: string) =>
  new RpcError("not_found", `No image found with ID ${id}`);

/**
 * The image, locked, if `projectId` (null: an admin) may change it: not visible is `not_found`
 * (another project's private image stays hidden), visible but another project's is `forbidden`.
 */
export async function lockOwnImage(
  tx: Tx,
  id: string,
  projectId: string | null,
  refusal: string,
): Promise<Image> {
  const image = isUuid(id) ? await lockVisibleImage(tx, id, projectId) : null;
  if (!image) throw imageNotFound(id);
  if (projectId !== null && image.owner !== projectId) throw new RpcError("forbidden", refusal);
  return image;
}
