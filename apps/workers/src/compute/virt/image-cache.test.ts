// The image cache with a fake fetch and temp dirs; images are made with qemu-img (a local tool).
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { VirtError, type ImageRef } from "./driver";
import { ImageCache, type FetchImage } from "./image-cache";
import { imageInfo } from "./qemu-img";

let dir: string;
let cacheDir: string;
const silent = pino({ level: "silent" });

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "nimbus-image-cache-"));
  cacheDir = join(dir, "_base");
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function qcow2(name: string, opts: { size?: string; backing?: string } = {}): string {
  const path = join(dir, name);
  const backing = opts.backing ? ["-F", "qcow2", "-b", opts.backing] : [];
  execFileSync("qemu-img", ["create", "-q", "-f", "qcow2", ...backing, path, opts.size ?? "1M"]);
  return path;
}

/** A fetch that copies `source` and counts its calls; `gate` holds every download until opened. */
function fakeFetch(source: string, gate?: Promise<void>) {
  const calls: string[] = [];
  const fetch: FetchImage = async (imageId, destPath) => {
    calls.push(imageId);
    await gate;
    await copyFile(source, destPath);
  };
  return { fetch, calls };
}

async function digests(path: string) {
  const data = await readFile(path);
  return {
    checksum: createHash("md5").update(data).digest("hex"),
    osHashValue: createHash("sha512").update(data).digest("hex"),
  };
}

async function rejection(promise: Promise<unknown>): Promise<VirtError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(VirtError);
  return err as VirtError;
}

const image = (extra: Partial<ImageRef> = {}): ImageRef => ({
  id: "img-1",
  diskFormat: "qcow2",
  ...extra,
});

describe("ImageCache", () => {
  it("downloads an image once for concurrent callers and keeps it", async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const source = qcow2("source.qcow2");
    const { fetch, calls } = fakeFetch(source, gate);
    const cache = new ImageCache(cacheDir, fetch, silent);

    const waiting = Array.from({ length: 5 }, () => cache.base(image()));
    open();
    const paths = await Promise.all(waiting);
    expect(new Set(paths)).toEqual(new Set([join(cacheDir, "img-1")]));
    expect(calls).toEqual(["img-1"]);

    await cache.base(image());
    expect(calls).toHaveLength(1);
    expect(await readdir(cacheDir)).toEqual(["img-1"]);
  });

  it("verifies md5 and sha512 when given", async () => {
    const source = qcow2("source.qcow2");
    const { fetch } = fakeFetch(source);
    const cache = new ImageCache(cacheDir, fetch, silent);
    const path = await cache.base(image(await digests(source)));
    expect((await imageInfo(path)).format).toBe("qcow2");
  });

  it("rejects a download whose checksum does not match, leaves nothing, and retries next time", async () => {
    const source = qcow2("source.qcow2");
    const { fetch, calls } = fakeFetch(source);
    const cache = new ImageCache(cacheDir, fetch, silent);
    const good = await digests(source);

    const md5 = await rejection(cache.base(image({ checksum: "0".repeat(32) })));
    expect(md5.code).toBe("IMAGE");
    expect(md5.message).toMatch(/md5 checksum mismatch \(expected 0{32}, got [0-9a-f]{32}\)/);
    expect(await readdir(cacheDir)).toEqual([]);

    const sha = await rejection(
      cache.base(image({ checksum: good.checksum, osHashValue: "a".repeat(128) })),
    );
    expect(sha.message).toMatch(/sha512 hash mismatch/);
    expect(await readdir(cacheDir)).toEqual([]);

    await cache.base(image(good));
    expect(calls).toHaveLength(3);
  });

  it("converts a raw image to a qcow2 base of the same virtual size", async () => {
    const raw = join(dir, "source.raw");
    await writeFile(
      raw,
      Buffer.concat([Buffer.from("not any image format\n"), Buffer.alloc(2 * 1024 * 1024 - 21)]),
    );
    const { fetch } = fakeFetch(raw);
    const cache = new ImageCache(cacheDir, fetch, silent);
    const path = await cache.base(image({ diskFormat: "raw" }));
    expect(await imageInfo(path)).toMatchObject({ format: "qcow2", virtualSize: 2 * 1024 * 1024 });
    expect(await readdir(cacheDir)).toEqual(["img-1"]);
  });

  it("refuses data whose real format differs from the declared one", async () => {
    const { fetch } = fakeFetch(qcow2("source.qcow2"));
    const cache = new ImageCache(cacheDir, fetch, silent);
    const err = await rejection(cache.base(image({ diskFormat: "raw" })));
    expect(err.message).toBe("image img-1: declared raw but the data is qcow2");
    expect(await readdir(cacheDir)).toEqual([]);
  });

  it("refuses an image with a backing file", async () => {
    const backed = qcow2("backed.qcow2", { backing: qcow2("secret.qcow2") });
    const { fetch } = fakeFetch(backed);
    const cache = new ImageCache(cacheDir, fetch, silent);
    const err = await rejection(cache.base(image()));
    expect(err.message).toMatch(/backing file are not allowed/);
  });

  it("refuses formats that cannot be a disk without fetching them", async () => {
    const { fetch, calls } = fakeFetch(qcow2("source.qcow2"));
    const cache = new ImageCache(cacheDir, fetch, silent);
    const err = await rejection(cache.base(image({ diskFormat: "iso" })));
    expect(err).toMatchObject({
      code: "IMAGE",
      message: "image img-1: disk format iso cannot be booted",
    });
    expect(calls).toEqual([]);
  });

  it("reports a failed download and lets a later call try again", async () => {
    let fail = true;
    const source = qcow2("source.qcow2");
    const cache = new ImageCache(
      cacheDir,
      async (_id, dest) => {
        if (fail) throw new Error("glance said 503");
        await copyFile(source, dest);
      },
      silent,
    );
    const err = await rejection(cache.base(image()));
    expect(err).toMatchObject({
      code: "IMAGE",
      message: "image img-1: download failed: glance said 503",
    });
    fail = false;
    await expect(cache.base(image())).resolves.toBe(join(cacheDir, "img-1"));
  });
});
