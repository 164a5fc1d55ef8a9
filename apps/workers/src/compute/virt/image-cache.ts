// One verified qcow2 base file per image (Nova's instances/_base), shared by the instances'
// overlays. Concurrent spawns of the same image wait for one download; a file appears under its
// final name only once it is complete, verified and converted, so a crash never leaves a bad base.
import { createHash, randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { chmod, mkdir, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "pino";
import { VirtError, type ImageRef } from "./driver";
import { convertToQcow2, imageInfo } from "./qemu-img";

/** Writes the image's bytes to destPath (later a Glance download; tests copy a local file). */
export type FetchImage = (imageId: string, destPath: string) => Promise<void>;

/** Glance disk formats we can turn into a qcow2 base, and qemu-img's name for each. */
const QEMU_FORMATS: Record<string, string> = {
  qcow2: "qcow2",
  raw: "raw",
  vmdk: "vmdk",
  vdi: "vdi",
  vhd: "vpc",
  vhdx: "vhdx",
};

export class ImageCache {
  private readonly inflight = new Map<string, Promise<string>>();

  constructor(
    private readonly dir: string,
    private readonly fetchImage: FetchImage,
    private readonly log: Logger,
  ) {}

  pathOf(imageId: string): string {
    return join(this.dir, imageId);
  }

  /** The path of the image's qcow2 base file, fetching it first if this host has not got it. */
  async base(image: ImageRef): Promise<string> {
    const path = this.pathOf(image.id);
    if (await exists(path)) return path;
    let pending = this.inflight.get(image.id);
    if (!pending) {
      pending = this.download(image, path).finally(() => this.inflight.delete(image.id));
      this.inflight.set(image.id, pending);
    }
    return pending;
  }

  private async download(image: ImageRef, path: string): Promise<string> {
    const format = QEMU_FORMATS[image.diskFormat];
    if (!format) {
      throw new VirtError(
        "IMAGE",
        `image ${image.id}: disk format ${image.diskFormat} cannot be booted`,
      );
    }
    await mkdir(this.dir, { recursive: true });
    // Temp names are unique per attempt, so two processes sharing the cache never clash.
    const part = `${path}.part-${randomUUID()}`;
    const converted = `${part}.qcow2`;
    const started = Date.now();
    try {
      try {
        await this.fetchImage(image.id, part);
      } catch (err) {
        throw new VirtError(
          "IMAGE",
          `image ${image.id}: download failed: ${(err as Error).message}`,
          {
            cause: err,
          },
        );
      }
      await verifyDigests(image, part);
      // NOTE: the probed format must be the declared one (Nova's image format check): a "raw"
      // upload that is really a qcow2 could point its backing file at any file on this host.
      const info = await imageInfo(part);
      if (info.format !== format) {
        throw new VirtError(
          "IMAGE",
          `image ${image.id}: declared ${image.diskFormat} but the data is ${info.format}`,
        );
      }
      if (info.backingFile) {
        throw new VirtError(
          "IMAGE",
          `image ${image.id}: images with a backing file are not allowed`,
        );
      }
      let ready = part;
      if (format !== "qcow2") {
        await convertToQcow2(part, format, converted);
        ready = converted;
      }
      await chmod(ready, 0o644);
      await rename(ready, path);
      this.log.info(
        { imageId: image.id, format: image.diskFormat, ms: Date.now() - started },
        "image cached",
      );
      return path;
    } finally {
      await Promise.all([rm(part, { force: true }), rm(converted, { force: true })]);
    }
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

async function verifyDigests(image: ImageRef, path: string): Promise<void> {
  if (!image.checksum && !image.osHashValue) return;
  const md5 = createHash("md5");
  const sha512 = createHash("sha512");
  for await (const chunk of createReadStream(path)) {
    md5.update(chunk as Buffer);
    sha512.update(chunk as Buffer);
  }
  const checks = [
    ["md5 checksum", image.checksum, md5.digest("hex")],
    ["sha512 hash", image.osHashValue, sha512.digest("hex")],
  ] as const;
  for (const [what, expected, actual] of checks) {
    if (expected && expected.toLowerCase() !== actual) {
      throw new VirtError(
        "IMAGE",
        `image ${image.id}: ${what} mismatch (expected ${expected.toLowerCase()}, got ${actual})`,
      );
    }
  }
}
