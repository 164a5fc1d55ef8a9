// The REST app: /compute (Nova), /identity (Keystone), /image (Glance) on one Hono instance.
// This file owns what every request shares (request id, body limit, errors, 404/405); each
// service's routes are added through RouteModules (see ./routes.ts), one file per resource.
import type { Bus } from "@nimbus/rpc";
import { Hono, type Context, type Env, type Handler, type MiddlewareHandler } from "hono";
import type { Logger } from "../logger";
import { acceptRequestId, requestIdOf } from "../server/request-id";
import { authenticateToken, requireAuth } from "./auth/middleware";
import type { AuthStrategy } from "./auth/strategy";
import type { AuthedEnv, ComputeEnv, RestEnv } from "./context";
import { errorBody, glanceErrorResponse, HttpError, toHttpError, type ErrorFormat } from "./errors";
import { baseUrl } from "./links";
import { microversionHeaders, negotiateMicroversion } from "./microversion";
import {
  computeVersion,
  computeVersionList,
  identityVersion,
  identityVersionList,
  imageVersionList,
} from "./versions";

/** What route modules get to build handlers with. */
export interface RestDeps {
  log: Logger;
  auth: AuthStrategy;
  /** The process's bus connection, which the service layer sends every request on. */
  bus: Bus;
  /** The image store: image data is only ever served from inside it (NIMBUS_IMAGES_DIR). */
  imagesDir: string;
  /** Largest image upload (NIMBUS_IMAGE_MAX_SIZE). */
  maxImageBytes: number;
  /** Largest JSON body for compute and identity requests. */
  maxBodyBytes: number;
  /** NIMBUS_PUBLIC_URL. */
  publicUrl?: string | undefined;
}

/** Adds one resource's routes to a service's router (paths relative to the versioned root). */
export type RouteModule<E extends Env> = (router: Hono<E>, deps: RestDeps) => void;

export interface RestRoutes {
  /** Under /compute/v2.1: every request is authenticated and has `c.var.ctx`. */
  compute: RouteModule<ComputeEnv>[];
  /** Under /identity/v3: modules apply `requireAuth(deps.auth)` where a token is needed. */
  identity: RouteModule<RestEnv>[];
  /** Under /image/v2: every request is authenticated; no body limit, so uploads can stream. */
  image: RouteModule<AuthedEnv>[];
}

const COMPUTE_V21 = "/compute/v2.1";

function errorFormatFor(path: string): ErrorFormat {
  if (path.startsWith("/identity")) return "keystone";
  if (path.startsWith("/image")) return "glance";
  return "nova";
}

export function createRestApp(deps: RestDeps, routes: RestRoutes): Hono<RestEnv> {
  const app = new Hono<RestEnv>();

  const renderError = (err: unknown, c: Context<RestEnv>) => {
    const requestId = c.var.requestId ?? acceptRequestId(null);
    const httpError = toHttpError(err, requestId);
    if (httpError.status >= 500)
      (c.var.log ?? deps.log).error({ err, requestId }, "request failed");
    for (const [name, value] of Object.entries(httpError.headers)) c.header(name, value);
    const format = httpError.format ?? c.var.errorFormat ?? "nova";
    if (format === "glance") {
      const { contentType, body } = glanceErrorResponse(httpError, c.req.header("accept"));
      return c.body(body, httpError.status, { "Content-Type": contentType });
    }
    return c.json(errorBody(format, httpError), httpError.status);
  };

  app.use("*", async (c, next) => {
    // Behind the Node server the id was fixed when the request arrived (and logged with it).
    const incoming = c.env?.incoming;
    const requestId = incoming
      ? requestIdOf(incoming)
      : acceptRequestId(c.req.header("x-openstack-request-id"));
    const errorFormat = errorFormatFor(c.req.path);
    c.set("requestId", requestId);
    c.set("log", deps.log.child({ requestId }));
    c.set("errorFormat", errorFormat);
    c.set("publicUrl", deps.publicUrl);
    try {
      await next();
    } catch (err) {
      // Hono hands only Error instances to onError; anything else thrown lands here.
      c.res = renderError(err, c);
    }
    // Answered before the body was all read (a 413, a bad token or microversion…). The client is
    // still sending it, and a socket closed under it fails its write (EPIPE) before it reads the
    // answer, so the rest is read and dropped first (what nginx calls a lingering close). Past
    // that bound the connection is closed, and a keep-alive client is told not to send another
    // request on it (it would fail with "other side closed"; found by the fault suite's R5).
    if (incoming && !incoming.complete && !(await discardBody(c.req.raw, incoming.headers)))
      c.res.headers.set("connection", "close");
    c.res.headers.set("x-openstack-request-id", requestId);
    if (errorFormat === "nova") c.res.headers.set("x-compute-request-id", requestId);
  });

  const limit = jsonBodyLimit(deps.maxBodyBytes);
  app.use("/compute/*", limit);
  app.use("/identity/*", limit);

  // --- compute: version documents need no token ---
  const versions: Handler<RestEnv> = (c) => c.json(computeVersionList(baseUrl(c)));
  app.get("/compute", versions);
  app.get("/compute/", versions);
  app.get("/compute/v2", (c) => c.redirect(`${baseUrl(c)}/compute/v2/`, 302));
  app.get("/compute/v2/", (c) => c.json(computeVersion(baseUrl(c), "v2.0")));
  app.get(COMPUTE_V21, (c) => c.redirect(`${baseUrl(c)}${COMPUTE_V21}/`, 302));

  app.use(`${COMPUTE_V21}/*`, async (c, next) => {
    if (c.req.path === COMPUTE_V21) return next(); // the redirect above is not versioned
    const negotiated = negotiateMicroversion(c.req.raw.headers);
    if (!negotiated.ok) {
      const { error, echo } = negotiated;
      throw echo ? new HttpError(error.status, error.message, microversionHeaders(echo)) : error;
    }
    c.set("microversion", negotiated.version);
    await next();
    for (const [name, value] of Object.entries(microversionHeaders(negotiated.version))) {
      if (name === "Vary") c.res.headers.append(name, value);
      else c.res.headers.set(name, value);
    }
  });
  app.get(`${COMPUTE_V21}/`, (c) => c.json(computeVersion(baseUrl(c), "v2.1")));

  app.use(`${COMPUTE_V21}/*`, async (c, next) => {
    if (c.req.path === `${COMPUTE_V21}/` || c.req.path === COMPUTE_V21) return next();
    const auth = await authenticateToken(deps.auth, c.req.header("x-auth-token"), {
      base: baseUrl(c),
      requestId: c.var.requestId,
    });
    const { requestId, microversion } = c.var;
    if (!microversion) throw new Error("microversion middleware did not run");
    c.set("auth", auth);
    c.set("ctx", { ...auth, requestId, microversion });
    await next();
  });
  app.route(COMPUTE_V21, router<ComputeEnv>(routes.compute, deps));

  // --- identity (Keystone answers the unversioned root with 300 Multiple Choices) ---
  const identityRoot: Handler<RestEnv> = (c) => {
    c.header("Location", `${baseUrl(c)}/identity/v3/`);
    return c.json(identityVersionList(baseUrl(c)), 300);
  };
  app.get("/identity", identityRoot);
  app.get("/identity/", identityRoot);
  app.get("/identity/v3", (c) => c.json(identityVersion(baseUrl(c))));
  app.get("/identity/v3/", (c) => c.json(identityVersion(baseUrl(c))));
  app.route("/identity/v3", router<RestEnv>(routes.identity, deps));

  // --- image (Glance: 300 at the root, 200 at /versions) ---
  const imageRoot: Handler<RestEnv> = (c) => c.json(imageVersionList(baseUrl(c)), 300);
  app.get("/image", imageRoot);
  app.get("/image/", imageRoot);
  app.get("/image/versions", (c) => c.json(imageVersionList(baseUrl(c))));
  app.use("/image/v2/*", requireAuth(deps.auth));
  app.route("/image/v2", router<AuthedEnv>(routes.image, deps));

  app.notFound((c) => {
    const allowed = allowedMethods(app, c.req.path);
    if (allowed.length > 0) {
      throw new HttpError(405, `The method ${c.req.method} is not allowed for this resource.`, {
        Allow: allowed.join(", "),
      });
    }
    throw HttpError.notFound();
  });

  app.onError(renderError);

  return app;
}

function router<E extends Env>(modules: RouteModule<E>[], deps: RestDeps): Hono<E> {
  const r = new Hono<E>();
  for (const add of modules) add(r, deps);
  return r;
}

/**
 * 413 in the API's error shape; exported for JSON routes of the image API, which has no global
 * limit. Hono's bodyLimit rebuilds the request from the Node server's own Request object, which
 * undici refuses (every DELETE without a Content-Length failed with 500); this rebuilds it from
 * the URL, method and headers instead.
 */
/** At most this much of a refused request's body is read and dropped, for at most this long. */
const DISCARD_MAX_BYTES = 64 * 1024 ** 2;
const DISCARD_MAX_MS = 10_000;

/**
 * Read the rest of a request's body and drop it; false if it cannot be (already being read or
 * cancelled by a handler, declared or found larger than DISCARD_MAX_BYTES, or too slow).
 */
async function discardBody(
  raw: Request,
  headers: Record<string, string | string[] | undefined>,
): Promise<boolean> {
  if (Number(headers["content-length"] ?? 0) > DISCARD_MAX_BYTES) return false;
  const body = raw.body;
  if (!body || body.locked) return false;
  const reader = body.getReader();
  let tooSlow = false;
  const timer = setTimeout(() => {
    tooSlow = true;
    void reader.cancel().catch(() => undefined);
  }, DISCARD_MAX_MS);
  try {
    for (let size = 0; ;) {
      const { done, value } = await reader.read();
      if (done) return !tooSlow;
      size += value.length;
      if (size > DISCARD_MAX_BYTES) {
        await reader.cancel();
        return false;
      }
    }
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

export function jsonBodyLimit(maxSize: number): MiddlewareHandler {
  const tooLarge = () => new HttpError(413, "Request is too large.");
  return async (c, next) => {
    const raw = c.req.raw;
    if (!raw.body) return next();
    const length = raw.headers.get("content-length");
    if (length !== null && !raw.headers.has("transfer-encoding")) {
      if (Number(length) > maxSize) throw tooLarge();
      return next();
    }
    // No declared length (chunked, or a stream): count while reading, at most maxSize bytes.
    const chunks: Uint8Array[] = [];
    let size = 0;
    const reader = raw.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > maxSize) {
        await reader.cancel();
        throw tooLarge();
      }
      chunks.push(value);
    }
    const body = size === 0 ? null : Buffer.concat(chunks);
    c.req.raw = new Request(c.req.url, { method: raw.method, headers: raw.headers, body });
    return next();
  };
}

/** Methods some handler (not middleware) accepts for this path: a non-empty list makes a 404 a 405. */
function allowedMethods(app: Hono<RestEnv>, path: string): string[] {
  const methods = new Set<string>();
  for (const route of app.routes) {
    if (route.method !== "ALL" && pathMatches(route.path, path)) methods.add(route.method);
  }
  if (methods.has("GET")) methods.add("HEAD");
  return [...methods].sort();
}

function pathMatches(pattern: string, path: string): boolean {
  const want = pattern.split("/");
  const got = path.split("/");
  if (want.length !== got.length) return false;
  return want.every((segment, i) => (segment.startsWith(":") ? got[i] !== "" : segment === got[i]));
}
