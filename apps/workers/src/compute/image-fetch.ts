// Downloads an image's bytes from the image API (Glance v2: GET {url}/v2/images/{id}/file) into the
// file the image cache names, streamed to disk and checked against the size the image API
// declared. The image cache then verifies the digests and the format.
import { createWriteStream } from "node:fs";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { FetchImage } from "./virt/image-cache";

/** Headers that authenticate the compute to the image API; pluggable so Keystone can replace noauth2. */
export type ImageApiAuth = () => Promise<Record<string, string>>;

/** Nova's noauth2 test mode: the token names the caller, `user:project`. */
export function noauth2Auth(user: string, project: string): ImageApiAuth {
  const headers = { "x-auth-token": `${user}:${project}` };
  return async () => headers;
}

/**
 * Why a download failed. `retryable`: another try (on another host) may work — the image API was
 * unreachable or failed. Not retryable: the image itself is the problem (gone, empty, wrong size).
 */
export class ImageFetchError extends Error {
  override name = "ImageFetchError";
  constructor(
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface ImageFetcherOptions {
  /** The image API's root, e.g. http://127.0.0.1:8080/image. */
  baseUrl: string;
  auth: ImageApiAuth;
  /** The size the image API declared for an image (from the build request), if known. */
  expectedSize: (imageId: string) => number | null | undefined;
}

export function createImageFetcher(opts: ImageFetcherOptions): FetchImage {
  return async (imageId, destPath) => {
    const url = `${opts.baseUrl}/v2/images/${encodeURIComponent(imageId)}/file`;
    let res: Response;
    try {
      res = await fetch(url, { headers: await opts.auth() });
    } catch (err) {
      throw new ImageFetchError(`image API unreachable: ${causeOf(err)}`, true, { cause: err });
    }
    if (res.status === 404 || res.status === 410) {
      await res.body?.cancel();
      throw new ImageFetchError(`image ${imageId} not found in the image API`, false);
    }
    // Glance answers 204 for an image that has no data (yet).
    if (res.status === 204 || !res.body) {
      throw new ImageFetchError(`image ${imageId} has no data`, false);
    }
    if (!res.ok) {
      await res.body.cancel();
      throw new ImageFetchError(`image API answered ${res.status} ${res.statusText}`, true);
    }

    let received = 0;
    const count = new Transform({
      transform(chunk: Buffer, _enc, done) {
        received += chunk.length;
        done(null, chunk);
      },
    });
    try {
      await pipeline(Readable.fromWeb(res.body), count, createWriteStream(destPath));
    } catch (err) {
      throw new ImageFetchError(`image download interrupted: ${causeOf(err)}`, true, {
        cause: err,
      });
    }

    // A transfer cut short is worth another try; data whose length differs from what the image
    // API declares for the image is not.
    const header = res.headers.get("content-length");
    if (header !== null && Number(header) !== received) {
      throw new ImageFetchError(
        `image download interrupted: got ${received} of ${header} bytes`,
        true,
      );
    }
    const expected = opts.expectedSize(imageId);
    if (expected !== null && expected !== undefined && expected !== received) {
      throw new ImageFetchError(
        `image ${imageId} size mismatch (expected ${expected} bytes, got ${received})`,
        false,
      );
    }
  };
}

function causeOf(err: unknown): string {
  const e = err as { message?: string; cause?: { message?: string; code?: string } };
  const inner = e.cause?.code ?? e.cause?.message;
  return inner ? `${e.message ?? String(err)} (${inner})` : (e.message ?? String(err));
}
