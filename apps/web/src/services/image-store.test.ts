// The image store on a temporary directory: digests computed while streaming, the partial file
// renamed only when complete and removed on any failure, the qcow2 virtual size from the header.
import { createHash } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ImageDataError, inStore, removeImageData, writeImageData } from "./image-store";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "nimbus-store-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const chunks = (...parts: Buffer[]) => Readable.from(parts);
const opts = { maxSize: 1 << 20, diskFormat: "raw" };

describe("writeImageData", () => {
  it("stores the data as <id> with its md5 and sha512, raw virtual size = size", async () => {
    const data = Buffer.from(Array.from({ length: 100_000 }, (_, i) => (i * 7) % 256));
    const stored = await writeImageData(
      dir,
      "img",
      chunks(data.subarray(0, 3), data.subarray(3)),
      opts,
    );
    expect(stored).toEqual({
      path: join(dir, "img"),
      size: data.length,
      checksum: createHash("md5").update(data).digest("hex"),
      osHashValue: createHash("sha512").update(data).digest("hex"),
      virtualSize: data.length,
    });
    expect(await readFile(stored.path)).toEqual(data);
    expect(await readdir(dir)).toEqual(["img"]);
  });

  it("reads a qcow2 header's disk size even when it arrives in pieces", async () => {
    const header = Buffer.alloc(64);
    header.writeUInt32BE(0x514649fb, 0);
    header.writeBigUInt64BE(40n * 1024n * 1024n, 24);
    const stored = await writeImageData(
      dir,
      "q",
      chunks(header.subarray(0, 10), header.subarray(10, 30), header.subarray(30)),
      { ...opts, diskFormat: "qcow2" },
    );
    expect(stored.virtualSize).toBe(40 * 1024 * 1024);
    const notQcow2 = await writeImageData(dir, "n", chunks(Buffer.alloc(64)), {
      ...opts,
      diskFormat: "qcow2",
    });
    expect(notQcow2.virtualSize).toBeNull();
  });

  it("stops at the size limit and leaves no file", async () => {
    const err = await writeImageData(dir, "big", chunks(Buffer.alloc(600), Buffer.alloc(600)), {
      ...opts,
      maxSize: 1000,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImageDataError);
    expect((err as ImageDataError).kind).toBe("too_large");
    expect(await readdir(dir)).toEqual([]);
  });

  it("refuses data shorter or longer than declared, and a broken stream, leaving no file", async () => {
    const short = await writeImageData(dir, "s", chunks(Buffer.alloc(10)), {
      ...opts,
      declaredSize: 11,
    }).catch((e: unknown) => e);
    expect((short as ImageDataError).kind).toBe("incomplete");
    const broken = new Readable({
      read() {
        this.destroy(new Error("connection reset"));
      },
    });
    await expect(writeImageData(dir, "b", broken, opts)).rejects.toThrow("connection reset");
    expect(await readdir(dir)).toEqual([]);
  });
});

describe("the store's bounds", () => {
  it("knows what lies inside it", () => {
    expect(inStore(dir, join(dir, "x"))).toBe(true);
    expect(inStore(dir, dir)).toBe(false);
    expect(inStore(dir, join(dir, "..", "x"))).toBe(false);
    expect(inStore(dir, "/etc/passwd")).toBe(false);
  });

  it("removes an image's data and partial file, never a file outside", async () => {
    const outside = await mkdtemp(join(tmpdir(), "nimbus-outside-"));
    try {
      await writeFile(join(outside, "keep"), "x");
      await writeImageData(dir, "a", chunks(Buffer.alloc(1)), opts);
      await removeImageData(dir, "a", join(dir, "a"));
      await removeImageData(dir, "a", join(outside, "keep"));
      expect(await readdir(dir)).toEqual([]);
      expect(await readdir(outside)).toEqual(["keep"]);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });
});
