// Glance v2 images: GET/POST /v2/images, GET/PATCH/DELETE /v2/images/{id}. The data lives in
// image-data.ts, the schemas clients fetch in schemas.ts.
import { isRpcError } from "@nimbus/rpc";
import type { Context } from "hono";
import {
  createImage,
  deleteImage,
  getImage,
  imageNotFound,
  listImages,
  updateImage,
} from "../../services/images";
import { jsonBodyLimit, type RestDeps, type RouteModule } from "../app";
import type { AuthedEnv } from "../context";
import { HttpError } from "../errors";
import { baseUrl } from "../links";
import { serviceContext } from "../service-context";
import { parseListQuery, parseNewImage, parsePatch, patchDraft } from "./request";
import { imageView } from "./view";

/**
 * Glance's statuses for what the service layer throws: an exceeded limit is 413 there (quota),
 * and its own words for an image that is not there.
 */
export function glanceError(err: unknown, notFound?: string): unknown {
  if (isRpcError(err, "over_quota")) return new HttpError(413, err.message);
  if (notFound !== undefined && isRpcError(err, "not_found")) return HttpError.notFound(notFound);
  return err;
}

/** The request body as JSON (any value: the callers check its shape), 400 if it is not JSON. */
async function readJson(c: Context<AuthedEnv>): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === "") throw HttpError.badRequest("Body expected in request.");
  try {
    return JSON.parse(text);
  } catch {
    throw HttpError.badRequest("Malformed JSON in request body.");
  }
}

export const images: RouteModule<AuthedEnv> = (r, deps: RestDeps) => {
  const ctx = (c: Context<AuthedEnv>) => serviceContext(c, deps);
  const limit = jsonBodyLimit(deps.maxBodyBytes);

  r.get("/images", async (c) => {
    const { request, empty } = parseListQuery(c.req.queries());
    const found = empty
      ? []
      : await listImages(ctx(c), request).catch((err: unknown) => {
          throw glanceError(err);
        });
    // As Glance: `first` keeps every parameter but the marker; `next` (when the page is full)
    // sets the marker to the page's last image.
    const params = new URL(c.req.url).searchParams;
    params.delete("marker");
    const query = params.toString();
    const body: Record<string, unknown> = {
      images: found.map(imageView),
      first: query ? `/v2/images?${query}` : "/v2/images",
      schema: "/v2/schemas/images",
    };
    if (found.length > 0 && found.length === request.limit) {
      params.set("marker", found.at(-1)!.id);
      body.next = `/v2/images?${params.toString()}`;
    }
    return c.json(body);
  });

  r.post("/images", limit, async (c) => {
    const image = await createImage(ctx(c), parseNewImage(await readJson(c))).catch(
      (err: unknown) => {
        throw glanceError(err);
      },
    );
    c.header("Location", `${baseUrl(c)}/image/v2/images/${image.id}`);
    return c.json(imageView(image), 201);
  });

  r.get("/images/:id", async (c) => c.json(imageView(await getImage(ctx(c), c.req.param("id")))));

  r.patch("/images/:id", limit, async (c) => {
    const id = c.req.param("id");
    const draft = patchDraft(c.req.header("content-type"));
    const changes = parsePatch(await readJson(c), draft);
    const image = await updateImage(ctx(c), id, changes).catch((err: unknown) => {
      throw glanceError(err, imageNotFound(id).message);
    });
    return c.json(imageView(image));
  });

  // Glance's tag sub-resource (openstack image unset --tag deletes through it).
  for (const [method, change] of [
    ["put", "addTags"],
    ["delete", "removeTags"],
  ] as const) {
    r[method]("/images/:id/tags/:tag", async (c) => {
      const tag = c.req.param("tag");
      if (tag.length > 255) throw HttpError.badRequest("Invalid tag: longer than 255 characters");
      const changes = { fields: {}, properties: [], [change]: [tag] };
      await updateImage(ctx(c), c.req.param("id"), changes).catch((err: unknown) => {
        throw glanceError(err);
      });
      return c.body(null, 204);
    });
  }

  r.delete("/images/:id", async (c) => {
    const id = c.req.param("id");
    try {
      await deleteImage(ctx(c), id, deps.imagesDir);
    } catch (err) {
      throw glanceError(err, `Failed to find image ${id} to delete`);
    }
    return c.body(null, 204);
  });
};
