// Downloads an image's bytes from the image API (Glance v2: GET {url}/v2/images/{id}/file) into the
// file the image cache names, streamed to disk and checked against the size the image API
// declared. The image cache then verifies the digests and the format.
import { createWriteStream } from "node:fs";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { FetchImage } from "./virt/image-cache";

/** How the compute authenticates to the image API: Keystone (a service user) or noauth2. */
export interface ImageApiAuth {
  /** Headers for the next request (logging in first when there is no good token). */
  headers(): Promise<Record<string, string>>;
  /** The image API answered 401 to those headers: the next call logs in again. */
  invalidate(): void;
}

/** Nova's noauth2 test mode: the token names the caller, `user:project`. */
export function noauth2Auth(user: string, project: string): ImageApiAuth {
  const headers = { "x-auth-token": `${user}:${project}` };
  return { headers: async () => headers, invalidate: () => undefined };
}

export interface KeystoneAuthOptions {
  /** Keystone's root, e.g. http://127.0.0.1:8080/identity (the token is asked of {url}/v3). */
  identityUrl: string;
  user: string;
  /** Unset: every download fails, saying so. */
  password: string | undefined;
  project: string;
  /** A token is replaced this long before it expires (default 60 s). */
  marginMs?: number;
  now?: () => number;
}

/**
 * A service user's Keystone token, as keystoneauth keeps one for Nova's image downloads: asked
 * for on first use (one login however many downloads start at once), reused until shortly
 * before it expires, and asked for again when the image API refuses it.
 */
export function keystoneAuth(opts: KeystoneAuthOptions): ImageApiAuth {
  const marginMs = opts.marginMs ?? 60_000;
  const now = opts.now ?? Date.now;
  let token: { value: string; expiresAt: number } | null = null;
  let login: Promise<{ value: string; expiresAt: number }> | null = null;

  const logIn = async () => {
    if (!opts.password) {
      throw new ImageFetchError(
        "NIMBUS_SERVICE_PASSWORD is not set: cannot log in to Keystone",
        false,
      );
    }
    const domain = { name: "Default" };
    const body = {
      auth: {
        identity: {
          methods: ["password"],
          password: { user: { name: opts.user, domain, password: opts.password } },
        },
        scope: { project: { name: opts.project, domain } },
      },
    };
    let res: Response;
    try {
      res = await fetch(`${opts.identityUrl}/v3/auth/tokens?nocatalog`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    } catch (err) {
      throw new ImageFetchError(`identity API unreachable: ${causeOf(err)}`, true, { cause: err });
    }
    const value = res.headers.get("x-subject-token");
    const data = (await res.json().catch(() => null)) as { token?: { expires_at?: string } } | null;
    const expiresAt = Date.parse(data?.token?.expires_at ?? "");
    if (res.status !== 201 || !value || !Number.isFinite(expiresAt)) {
      throw new ImageFetchError(
        `the identity API refused the service user ${opts.user} (HTTP ${res.status})`,
        true,
      );
    }
    return { value, expiresAt };
  };

  return {
    async headers() {
      if (!token || now() >= token.expiresAt - marginMs) {
        login ??= logIn().finally(() => (login = null));
        token = await login;
      }
      return { "x-auth-token": token.value };
    },
    invalidate() {
      token = null;
    },
  };
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
    const get = async () => {
      try {
        return await fetch(url, { headers: await opts.auth.headers() });
      } catch (err) {
        if (err instanceof ImageFetchError) throw err;
        throw new ImageFetchError(`image API unreachable: ${causeOf(err)}`, true, { cause: err });
      }
    };
    let res = await get();
    if (res.status === 401) {
      // The token expired or was revoked early: log in again, once.
      await res.body?.cancel();
      opts.auth.invalidate();
      res = await get();
    }
    if (res.status === 401) {
      await res.body?.cancel();
      throw new ImageFetchError("the image API refused the compute's credentials (401)", true);
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
