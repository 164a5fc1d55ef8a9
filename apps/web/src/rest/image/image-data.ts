// An image's data: PUT /v2/images/{id}/file streams it to the store (never into memory),
// GET /v2/images/{id}/file streams it back, whole or as one byte range.
import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import type { Context } from "hono";
import { ImageDataError } from "../../services/image-store";
import {
  getImage,
  imageData,
  imageNotFound,
  ImageGoneError,
  uploadImage,
} from "../../services/images";
import type { RestDeps, RouteModule } from "../app";
import type { AuthedEnv } from "../context";
import { HttpError } from "../errors";
import { serviceContext } from "../service-context";
import { glanceError } from "./images";

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

/** The size the client declares: Glance's x-openstack-image-size hint, else Content-Length. */
function declaredSize(c: Context<AuthedEnv>): number | undefined {
  const hint = c.req.header("x-openstack-image-size");
  const length = c.req.header("transfer-encoding") ? undefined : c.req.header("content-length");
  const value = hint ?? length;
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim())) {
    throw HttpError.badRequest("Invalid or missing image size in request headers.");
  }
  return Number(value);
}

export const imageFile: RouteModule<AuthedEnv> = (r, deps: RestDeps) => {
  r.put("/images/:id/file", async (c) => {
    const id = c.req.param("id");
    const type = c.req.header("content-type")?.split(";")[0]?.trim().toLowerCase();
    if (type !== "application/octet-stream") {
      throw new HttpError(415, `Invalid content type ${type ?? "None"}`);
    }
    const size = declaredSize(c);
    if (size !== undefined && size > deps.maxImageBytes) {
      throw new HttpError(
        413,
        `The incoming image is too large: more than ${deps.maxImageBytes} bytes`,
      );
    }
    // The Node request itself, so the body streams with backpressure (no Request/Response copy).
    const incoming = c.env?.incoming;
    const body =
      incoming ?? Readable.fromWeb((c.req.raw.body ?? new ReadableStream()) as NodeReadableStream);
    const started = Date.now();
    try {
      const image = await uploadImage(serviceContext(c, deps), id, body, {
        imagesDir: deps.imagesDir,
        maxSize: deps.maxImageBytes,
        declaredSize: size,
      });
      c.var.log.info(
        { image: id, bytes: image.size, ms: Date.now() - started },
        "image data uploaded",
      );
    } catch (err) {
      if (err instanceof ImageDataError) {
        throw new HttpError(err.kind === "too_large" ? 413 : 400, err.message);
      }
      if (err instanceof ImageGoneError) throw new HttpError(410, err.message);
      if (incoming && (incoming.destroyed || incoming.readableAborted)) {
        // Nobody is left to answer; the image went back to the queue.
        c.var.log.warn({ image: id, err }, "client went away during the image upload");
        throw HttpError.badRequest("The client closed the connection during the upload.");
      }
      throw glanceError(err, imageNotFound(id).message);
    }
    return c.body(null, 204);
  });

  r.get("/images/:id/file", async (c) => {
    const found = await getImage(serviceContext(c, deps), c.req.param("id"));
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
