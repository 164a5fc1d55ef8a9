// The part of Glance v2 the compute hosts need now: one image's record (GET /v2/images/{id}) and
// its bytes (GET /v2/images/{id}/file, with single byte ranges). The image work completes the rest.
import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import { isRpcError, type Image } from "@nimbus/rpc";
import type { Context } from "hono";
import { getImage, imageData, imageNotFound } from "../../services/images";
import type { RestDeps, RouteModule } from "../app";
import type { AuthedEnv } from "../context";
import { HttpError } from "../errors";
import { serviceContext } from "../service-context";

/** Glance's own keys: an image property of the same name never shadows them. */
const CORE_KEYS = new Set([
  "id",
  "name",
  "status",
  "visibility",
  "protected",
  "os_hidden",
  "checksum",
  "os_hash_algo",
  "os_hash_value",
  "owner",
  "size",
  "virtual_size",
  "min_ram",
  "min_disk",
  "disk_format",
  "container_format",
  "created_at",
  "updated_at",
  "tags",
  "self",
  "file",
  "schema",
  "locations",
  "direct_url",
]);

/** Glance's image view: the core fields, and the free-form properties beside them. */
export function imageView(image: Image) {
  const view: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(image.properties)) if (!CORE_KEYS.has(k)) view[k] = v;
  return Object.assign(view, {
    id: image.id,
    name: image.name,
    status: image.status,
    visibility: image.visibility,
    protected: image.protected,
    os_hidden: false,
    checksum: image.checksum,
    os_hash_algo: image.osHashAlgo,
    os_hash_value: image.osHashValue,
    owner: image.owner,
    size: image.size,
    virtual_size: image.virtualSize,
    min_ram: image.minRam,
    min_disk: image.minDisk,
    disk_format: image.diskFormat,
    container_format: image.containerFormat,
    created_at: glanceTime(image.createdAt),
    updated_at: glanceTime(image.updatedAt),
    tags: image.tags,
    self: `/v2/images/${image.id}`,
    file: `/v2/images/${image.id}/file`,
    schema: "/v2/schemas/image",
  });
}

/** oslo timeutils.isotime: whole seconds, "Z". */
function glanceTime(iso: string): string {
  return `${new Date(iso).toISOString().slice(0, 19)}Z`;
}

/** A single `bytes=` range within `size` as [start, end] inclusive; null for none; "bad" if unsatisfiable. */
export function parseRange(
  header: string | undefined,
  size: number,
): [number, number] | null | "bad" {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === "" && m[2] === "")) return "bad";
  let start: number;
  let end: number;
  if (m[1] === "") {
    // A suffix: the last N bytes.
    const n = Number(m[2]);
    if (n === 0) return "bad";
    start = Math.max(0, size - n);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || start > end) return "bad";
  return [start, end];
}

async function image(c: Context<AuthedEnv>, deps: RestDeps) {
  const id = c.req.param("id") ?? "";
  try {
    return await getImage(serviceContext(c, deps), id);
  } catch (err) {
    // Glance's words, whatever the conductor said.
    if (isRpcError(err, "not_found")) throw HttpError.notFound(imageNotFound(id).message);
    throw err;
  }
}

export const images: RouteModule<AuthedEnv> = (r, deps) => {
  r.get("/images/:id", async (c) => c.json(imageView(await image(c, deps))));

  r.get("/images/:id/file", async (c) => {
    const found = await image(c, deps);
    const data = await imageData(found, deps.imagesDir);
    // Glance answers 204 for an image without data (not uploaded yet, or gone from the store).
    if (!data) return c.body(null, 204);

    const headers: Record<string, string> = { "Content-Type": "application/octet-stream" };
    // Glance sends the md5 hex digest here (not RFC 1864's base64); glanceclient and openstacksdk
    // compare it with hexdigest(), so this is what stock clients verify against.
    if (found.checksum) headers["Content-MD5"] = found.checksum;
    const range = parseRange(c.req.header("range"), data.size);
    if (range === "bad") {
      throw new HttpError(416, "Requested Range Not Satisfiable", {
        "Content-Range": `bytes */${data.size}`,
      });
    }
    const [start, end] = range ?? [0, data.size - 1];
    headers["Content-Length"] = String(data.size === 0 ? 0 : end - start + 1);
    if (range) headers["Content-Range"] = `bytes ${start}-${end}/${data.size}`;
    if (data.size === 0) return c.body(null, 200, headers);
    const stream = Readable.toWeb(createReadStream(data.path, { start, end })) as ReadableStream;
    c.var.log.info({ image: found.id, bytes: end - start + 1, range: !!range }, "image download");
    return c.body(stream, range ? 206 : 200, headers);
  });
};
