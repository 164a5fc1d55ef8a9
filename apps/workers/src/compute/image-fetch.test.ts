// The image download against a tiny local HTTP server standing in for the image API.
import { createHash } from "node:crypto";
import { readFile, mkdtemp, rm, stat } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { retryable } from "./handlers/build-and-run-instance";
import { createImageFetcher, ImageFetchError, keystoneAuth, noauth2Auth } from "./image-fetch";
import { VirtError } from "./virt/driver";
import { ImageCache } from "./virt/image-cache";

const CHUNK = Buffer.alloc(64 * 1024, 7);
const CHUNKS = 64; // 4 MiB, sent as a stream of chunks
const SIZE = CHUNK.length * CHUNKS;

let dir: string;
let server: Server;
let baseUrl: string;
const requests: Array<{ url: string; token: string | undefined }> = [];
const logins: Array<{ user: string; project: string }> = [];
const acceptedTokens = new Set<string>();
let routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "nimbus-image-fetch-test-"));
  routes = {
    "/image/v2/images/big/file": (_req, res) => {
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": SIZE });
      let sent = 0;
      const pump = () => {
        while (sent < CHUNKS) {
          sent++;
          if (!res.write(CHUNK)) return void res.once("drain", pump);
        }
        res.end();
      };
      pump();
    },
    "/image/v2/images/chunked/file": (_req, res) => {
      res.writeHead(200, { "content-type": "application/octet-stream" });
      res.write(CHUNK);
      res.end(CHUNK);
    },
    "/image/v2/images/empty/file": (_req, res) => {
      res.writeHead(204).end();
    },
    "/image/v2/images/broken/file": (_req, res) => {
      res.writeHead(500).end("boom");
    },
    // Keystone: the service user's password login; tokens "t1", "t2", … expiring in an hour.
    "/identity/v3/auth/tokens?nocatalog": (req, res) => {
      let text = "";
      req.on("data", (d) => (text += d));
      req.on("end", () => {
        const body = JSON.parse(text);
        const user = body.auth.identity.password.user;
        logins.push({ user: user.name, project: body.auth.scope.project.name });
        if (user.password !== "service-secret") return void res.writeHead(401).end("{}");
        const token = `t${logins.length}`;
        const expires_at = new Date(Date.now() + 3600_000).toISOString();
        res.writeHead(201, { "x-subject-token": token, "content-type": "application/json" });
        res.end(JSON.stringify({ token: { expires_at } }));
      });
    },
    // An image only the tokens in `acceptedTokens` may read.
    "/image/v2/images/guarded/file": (req, res) => {
      if (!acceptedTokens.has(String(req.headers["x-auth-token"]))) {
        return void res.writeHead(401).end("{}");
      }
      res.writeHead(200, { "content-length": CHUNK.length }).end(CHUNK);
    },
    "/image/v2/images/cut/file": (req, res) => {
      res.writeHead(200, { "content-length": SIZE });
      res.write(CHUNK, () => req.socket.destroy());
    },
  };
  server = createServer((req, res) => {
    requests.push({ url: req.url ?? "", token: req.headers["x-auth-token"] as string | undefined });
    const route = routes[req.url ?? ""];
    if (route) route(req, res);
    else res.writeHead(404).end("not found");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/image`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  if (dir) await rm(dir, { recursive: true, force: true });
});

const sizes = new Map<string, number | null>();
const fetcher = () =>
  createImageFetcher({
    baseUrl,
    auth: noauth2Auth("nova", "service"),
    expectedSize: (id) => sizes.get(id),
  });

async function failure(p: Promise<unknown>): Promise<ImageFetchError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ImageFetchError);
  return err as ImageFetchError;
}

describe("createImageFetcher", () => {
  it("streams the image to the file, authenticated as the service user, and checks its size", async () => {
    sizes.set("big", SIZE);
    const dest = join(dir, "big");
    await fetcher()("big", dest);
    expect((await stat(dest)).size).toBe(SIZE);
    const digest = createHash("md5")
      .update(await readFile(dest))
      .digest("hex");
    const expected = createHash("md5");
    for (let i = 0; i < CHUNKS; i++) expected.update(CHUNK);
    expect(digest).toBe(expected.digest("hex"));
    expect(requests.at(-1)).toEqual({ url: "/image/v2/images/big/file", token: "nova:service" });
  });

  it("accepts a chunked response (no content-length) of the declared size, and no declared size", async () => {
    sizes.set("chunked", CHUNK.length * 2);
    await fetcher()("chunked", join(dir, "chunked"));
    expect((await stat(join(dir, "chunked"))).size).toBe(CHUNK.length * 2);
    sizes.delete("chunked");
    await fetcher()("chunked", join(dir, "chunked-2"));
  });

  it("calls data of another size than the image API declares a problem of the image itself", async () => {
    sizes.set("chunked", 12345);
    const err = await failure(fetcher()("chunked", join(dir, "wrong-size")));
    expect(err.retryable).toBe(false);
    expect(err.message).toBe(
      `image chunked size mismatch (expected 12345 bytes, got ${CHUNK.length * 2})`,
    );
  });

  it("treats a missing or empty image as the image's fault, not retryable", async () => {
    const missing = await failure(fetcher()("nope", join(dir, "nope")));
    expect(missing).toMatchObject({
      retryable: false,
      message: "image nope not found in the image API",
    });
    const empty = await failure(fetcher()("empty", join(dir, "empty")));
    expect(empty).toMatchObject({ retryable: false, message: "image empty has no data" });
  });

  it("treats an image API that fails, is cut off or is unreachable as retryable", async () => {
    expect(await failure(fetcher()("broken", join(dir, "broken")))).toMatchObject({
      retryable: true,
      message: "image API answered 500 Internal Server Error",
    });
    const cut = await failure(fetcher()("cut", join(dir, "cut")));
    expect(cut.retryable).toBe(true);
    expect(cut.message).toMatch(/^image download interrupted/);
    // A port that was just free: nothing listens there.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const closed = createImageFetcher({
      baseUrl: `http://127.0.0.1:${port}/image`,
      auth: noauth2Auth("nova", "service"),
      expectedSize: () => undefined,
    });
    const unreachable = await failure(closed("x", join(dir, "x")));
    expect(unreachable.retryable).toBe(true);
    expect(unreachable.message).toMatch(/^image API unreachable: .*ECONNREFUSED/);
  });

  it("through the image cache, a 404 becomes a VirtError IMAGE that is not worth a reschedule", async () => {
    const cache = new ImageCache(join(dir, "_base"), fetcher(), pino({ level: "silent" }));
    const err = await cache.base({ id: "nope", diskFormat: "qcow2" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VirtError);
    expect((err as VirtError).code).toBe("IMAGE");
    expect(retryable(err)).toBe(false);
    const outage = await cache.base({ id: "broken", diskFormat: "qcow2" }).catch((e: unknown) => e);
    expect(retryable(outage)).toBe(true);
  });
});

describe("keystoneAuth", () => {
  const identityUrl = () => baseUrl.replace(/\/image$/, "/identity");
  const auth = (password = "service-secret", now?: () => number) =>
    keystoneAuth({ identityUrl: identityUrl(), user: "nimbus", password, project: "service", now });
  const guarded = (a: ReturnType<typeof auth>) =>
    createImageFetcher({ baseUrl, auth: a, expectedSize: () => CHUNK.length });

  it("logs in once for downloads that start together, and reuses the token", async () => {
    logins.length = 0;
    acceptedTokens.clear();
    acceptedTokens.add("t1");
    const a = auth();
    const fetch = guarded(a);
    await Promise.all([1, 2, 3].map((n) => fetch("guarded", join(dir, `guarded-${n}`))));
    await fetch("guarded", join(dir, "guarded-4"));
    expect(logins).toEqual([{ user: "nimbus", project: "service" }]);
    expect(requests.filter((r) => r.url === "/image/v2/images/guarded/file").at(-1)?.token).toBe(
      "t1",
    );
  });

  it("logs in again shortly before the token expires", async () => {
    logins.length = 0;
    let clock = Date.now();
    const a = auth("service-secret", () => clock);
    expect(await a.headers()).toEqual({ "x-auth-token": "t1" });
    clock += 3600_000 - 61_000;
    expect(await a.headers()).toEqual({ "x-auth-token": "t1" });
    clock += 2_000;
    expect(await a.headers()).toEqual({ "x-auth-token": "t2" });
  });

  it("logs in again once when the image API refuses the token, then gives up", async () => {
    logins.length = 0;
    acceptedTokens.clear();
    acceptedTokens.add("t2");
    const a = auth();
    await guarded(a)("guarded", join(dir, "guarded-relogin"));
    expect(logins).toHaveLength(2);

    acceptedTokens.clear();
    const err = await failure(guarded(a)("guarded", join(dir, "guarded-never")));
    expect(err).toMatchObject({
      retryable: true,
      message: "the image API refused the compute's credentials (401)",
    });
    expect(logins).toHaveLength(3);
  });

  it("says so when Keystone refuses the service user or no password is set", async () => {
    const refused = await failure(guarded(auth("wrong"))("guarded", join(dir, "refused")));
    expect(refused.message).toBe("the identity API refused the service user nimbus (HTTP 401)");
    const unset = keystoneAuth({
      identityUrl: identityUrl(),
      user: "nimbus",
      password: undefined,
      project: "service",
    });
    const err = await failure(guarded(unset)("guarded", join(dir, "unset")));
    expect(err).toMatchObject({
      retryable: false,
      message: "NIMBUS_SERVICE_PASSWORD is not set: cannot log in to Keystone",
    });
  });
});
