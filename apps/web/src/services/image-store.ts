// The image store on local disk (Glance's filesystem store): an image's data is `<dir>/<id>`,
// written as `<id>.partial` while it streams in and renamed once complete, so a reader never sees
// a half-written file. Digests and the qcow2 virtual size are computed on the way through; the
// body is never held in memory beyond the stream's own buffers.
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { isAbsolute, join, relative, resolve } from "node:path";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

export const dataPath = (dir: string, id: string) => join(resolve(dir), id);
const partialPath = (dir: string, id: string) => `${dataPath(dir, id)}.partial`;

/** Whether `path` is a file inside the store (never the store itself, never outside it). */
export function inStore(dir: string, path: string): boolean {
  const rel = relative(resolve(dir), resolve(path));
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel);
}

export interface StoredData {
  path: string;
  size: number;
  /** md5, hex */
  checksum: string;
  /** sha512, hex */
  osHashValue: string;
  /** the disk size a qcow2 header declares; a raw image's own size; else null */
  virtualSize: number | null;
}

/** Why writing an image's data failed, in terms the API answers with. */
export class ImageDataError extends Error {
  override name = "ImageDataError";
  constructor(
    readonly kind: "too_large" | "incomplete",
    message: string,
  ) {
    super(message);
  }
}

export interface WriteOptions {
  /** refuse (and stop reading) beyond this many bytes */
  maxSize: number;
  /** the length the client declared, if any: the data must have exactly that length */
  declaredSize?: number | undefined;
  diskFormat: string | null;
}

/**
 * Stream `body` into the store as image `id`. On any failure the partial file is removed and the
 * error rethrown (an ImageDataError for size problems, else what the stream failed with).
 */
export async function writeImageData(
  dir: string,
  id: string,
  body: Readable,
  opts: WriteOptions,
): Promise<StoredData> {
  const partial = partialPath(dir, id);
  const md5 = createHash("md5");
  const sha512 = createHash("sha512");
  let size = 0;
  let head = Buffer.alloc(0);
  const digest = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      if (size > opts.maxSize) {
        done(
          new ImageDataError(
            "too_large",
            `The incoming image is too large: more than ${opts.maxSize} bytes`,
          ),
        );
        return;
      }
      md5.update(chunk);
      sha512.update(chunk);
      if (head.length < QCOW2_HEADER) {
        head = Buffer.concat([head, chunk.subarray(0, QCOW2_HEADER - head.length)]);
      }
      done(null, chunk);
    },
  });
  try {
    // pipeline() applies backpressure end to end: the socket is read only as fast as the disk takes it.
    await pipeline(body, digest, createWriteStream(partial));
    if (opts.declaredSize !== undefined && size !== opts.declaredSize) {
      throw new ImageDataError(
        "incomplete",
        `The image data is ${size} bytes, not the ${opts.declaredSize} the request declared.`,
      );
    }
    const path = dataPath(dir, id);
    await rename(partial, path);
    return {
      path,
      size,
      checksum: md5.digest("hex"),
      osHashValue: sha512.digest("hex"),
      virtualSize: virtualSize(opts.diskFormat, head, size),
    };
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
}

/** Remove what the store holds for an image: its data (if recorded inside the store) and any partial file. */
export async function removeImageData(dir: string, id: string, location: string | null) {
  await rm(partialPath(dir, id), { force: true });
  if (location && inStore(dir, location)) await rm(location, { force: true });
}

const QCOW2_HEADER = 32;

function virtualSize(diskFormat: string | null, head: Buffer, size: number): number | null {
  if (diskFormat === "raw") return size;
  // A qcow2 header: magic "QFI\xfb", then the disk size as a big-endian u64 at byte 24.
  if (
    diskFormat === "qcow2" &&
    head.length >= QCOW2_HEADER &&
    head.readUInt32BE(0) === 0x514649fb
  ) {
    return Number(head.readBigUInt64BE(24));
  }
  return null;
}
