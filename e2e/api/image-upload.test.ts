// A 1 GiB image through the image API of a real stack, with the web process's memory watched: the
// upload streams to disk and the download streams from it, so the process's resident memory must
// not grow with the image's size. The bytes are pseudo-random (AES-CTR over zeros), made on the
// fly, never held whole on either side.
import { createCipheriv, createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { request } from "node:http";
import { join } from "node:path";
import { Readable, Transform, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import { Worker } from "node:worker_threads";
import { afterAll, beforeAll, expect, onTestFailed, test } from "vitest";
import { client, type ApiClient } from "../stack/client";
import { startStack, type Stack } from "../stack/stack";

const SIZE = 1024 ** 3;
const CHUNK = 1024 ** 2;
/**
 * The bound on the web process's RSS growth while 1 GiB goes through it. Streaming keeps a few
 * 64 KiB buffers per stage; what grows is garbage between collections (V8 lets external memory,
 * where Buffers live, reach about 64 MiB before it forces a collection) plus the heap the requests
 * themselves touch. Buffering the body would add the whole gigabyte; 96 MiB is well clear of both.
 */
const MAX_GROWTH = 96 * 1024 ** 2;

let stack: Stack;
let images: ApiClient;
let token: string;

beforeAll(async () => {
  stack = await startStack({ name: "image-upload" });
  token = await stack.token();
  images = client(`${stack.url}/image/v2`, { "x-auth-token": token });
});

afterAll(async () => {
  await stack?.stop();
});

/** `size` pseudo-random bytes in 1 MiB chunks, produced as the consumer asks for them. */
function pseudoRandom(size: number): Readable {
  const cipher = createCipheriv("aes-256-ctr", Buffer.alloc(32, 7), Buffer.alloc(16));
  const zeros = Buffer.alloc(CHUNK);
  let left = size;
  return new Readable({
    read() {
      if (left === 0) return void this.push(null);
      const n = Math.min(CHUNK, left);
      left -= n;
      this.push(cipher.update(n === CHUNK ? zeros : zeros.subarray(0, n)));
    },
  });
}

/** md5 and sha512 of what flows through, as Glance reports them. */
function digests() {
  const md5 = createHash("md5");
  const sha512 = createHash("sha512");
  let bytes = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _enc, done) {
      md5.update(chunk);
      sha512.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  return {
    stream,
    result: () => ({ bytes, md5: md5.digest("hex"), sha512: sha512.digest("hex") }),
  };
}

/**
 * Samples a process's resident set (VmRSS) every 10 ms until stopped, in a worker thread: this
 * thread is busy making and hashing the data, and its timers would starve.
 */
function watchRss(pid: number) {
  const stop = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(
    `
    const { readFileSync } = require("node:fs");
    const { parentPort, workerData } = require("node:worker_threads");
    const { pid, stop } = workerData;
    const pause = new Int32Array(new SharedArrayBuffer(4));
    let peak = 0, samples = 0;
    while (Atomics.load(stop, 0) === 0) {
      const kb = /^VmRSS:\\s+(\\d+) kB$/m.exec(readFileSync("/proc/" + pid + "/status", "utf8"));
      peak = Math.max(peak, Number(kb[1]) * 1024);
      samples++;
      Atomics.wait(pause, 0, 0, 10);
    }
    parentPort.postMessage({ peak, samples });
    `,
    { eval: true, workerData: { pid, stop } },
  );
  const result = new Promise<{ peak: number; samples: number }>((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
  });
  return {
    async stop() {
      Atomics.store(stop, 0, 1);
      return result;
    },
  };
}

async function rss(pid: number): Promise<number> {
  const kb = /^VmRSS:\s+(\d+) kB$/m.exec(await readFile(`/proc/${pid}/status`, "utf8"));
  if (!kb) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kb[1]) * 1024;
}

const mib = (n: number) => `${(n / 1024 ** 2).toFixed(1)} MiB`;

test("a 1 GiB upload and download stream through the web process without growing its memory", async () => {
  onTestFailed(async () => {
    console.log(await stack.logTail(30));
  });
  const webPid = stack.process("web").pid!;
  const created = await images.post("/images", {
    name: "one-gib",
    disk_format: "raw",
    container_format: "bare",
  });
  expect(created.status).toBe(201);
  const id: string = created.body.id;

  // Warm the process up (the routes, the bus, the auth path) before taking the baseline.
  expect((await images.get(`/images/${id}`)).status).toBe(200);
  const baseline = await rss(webPid);
  const watch = watchRss(webPid);

  const sent = digests();
  const uploadStart = Date.now();
  const status = await new Promise<number>((resolve, reject) => {
    const req = request(
      `${stack.url}/image/v2/images/${id}/file`,
      {
        method: "PUT",
        headers: {
          "x-auth-token": token,
          "content-type": "application/octet-stream",
          "content-length": String(SIZE),
        },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    pipeline(pseudoRandom(SIZE), sent.stream, req).catch(reject);
  });
  const uploadMs = Date.now() - uploadStart;
  const upload = await watch.stop();
  expect(status).toBe(204);
  const local = sent.result();
  expect(local.bytes).toBe(SIZE);

  const shown = (await images.get(`/images/${id}`)).body;
  expect(shown).toMatchObject({
    status: "active",
    size: SIZE,
    virtual_size: SIZE,
    checksum: local.md5,
    os_hash_algo: "sha512",
    os_hash_value: local.sha512,
  });
  const stored = join(stack.imagesDir, id);
  expect(existsSync(stored)).toBe(true);

  const downloadWatch = watchRss(webPid);
  const downloadStart = Date.now();
  const res = await fetch(`${stack.url}/image/v2/images/${id}/file`, {
    headers: { "x-auth-token": token },
  });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-length")).toBe(String(SIZE));
  expect(res.headers.get("content-md5")).toBe(local.md5);
  const received = digests();
  await pipeline(
    Readable.fromWeb(res.body! as NodeReadableStream),
    received.stream,
    new Writable({ write: (_chunk, _enc, done) => done() }),
  );
  const downloadMs = Date.now() - downloadStart;
  const download = await downloadWatch.stop();
  expect(received.result()).toEqual(local);

  const growth = Math.max(upload.peak, download.peak) - baseline;
  console.log(
    `1 GiB: upload ${uploadMs} ms, download ${downloadMs} ms; web RSS baseline ${mib(baseline)}, ` +
      `peak ${mib(upload.peak)} uploading (${upload.samples} samples), ${mib(download.peak)} ` +
      `downloading (${download.samples} samples), growth ${mib(growth)}`,
  );
  // At least one sample per 50 ms of transfer: the peak is the process's, not a lucky miss.
  expect(upload.samples).toBeGreaterThan(uploadMs / 50);
  expect(download.samples).toBeGreaterThan(downloadMs / 50);
  expect(growth).toBeLessThan(MAX_GROWTH);

  expect((await images.delete(`/images/${id}`)).status).toBe(204);
  expect((await images.get(`/images/${id}`)).status).toBe(404);
  expect(existsSync(stored)).toBe(false);
  expect(existsSync(`${stored}.partial`)).toBe(false);
}, 300_000);
