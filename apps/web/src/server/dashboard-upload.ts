// The dashboard's image upload: PUT /api/images/{id}/file streams the request body to the image
// service's upload (never into memory), as the REST API's PUT /image/v2/images/{id}/file does. The
// browser cannot send X-Auth-Token from an HttpOnly cookie, so the session cookie authenticates it,
// with the tRPC mutations' CSRF rule: this server's Origin, and a body type (octet-stream) that a
// cross-site form cannot send without a preflight.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import type { Bus } from "@nimbus/rpc";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { checkOrigin } from "../console/origin";
import type { Logger } from "../logger";
import type { AuthStrategy } from "../rest/auth";
import { ImageDataError } from "../services/image-store";
import { ImageGoneError, uploadImage } from "../services/images";
import { isKeystone, sessionOf } from "../trpc/context";
import { toTRPCError } from "../trpc/errors";
import { sessionToken } from "../trpc/session-cookie";
import { requestIdOf } from "./request-id";

const PATH = /^\/api\/images\/([^/]+)\/file$/;

/** The image id an upload path names, or null when the path is not the upload endpoint's. */
export function uploadTarget(path: string): string | null {
  const m = PATH.exec(path);
  return m ? decodeURIComponent(m[1]!) : null;
}

export interface UploadDeps {
  log: Logger;
  bus: Bus;
  auth: AuthStrategy;
  publicUrl?: string | undefined;
  imagesDir: string;
  maxImageBytes: number;
}

/** Why an upload may not go on: not from this server's pages, or not raw bytes. */
export function uploadCsrfVerdict(
  headers: IncomingHttpHeaders,
  publicUrl: string | undefined,
): { ok: true } | { ok: false; reason: string } {
  const origin = checkOrigin(headers, { allowed: [], publicUrl });
  if (!origin.ok) return { ok: false, reason: `cross-site request from ${origin.origin}` };
  const type = headers["content-type"]?.split(";")[0]?.trim().toLowerCase();
  if (type !== "application/octet-stream") return { ok: false, reason: "not an octet-stream" };
  return { ok: true };
}

class Refusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function answer(res: ServerResponse, status: number, body: unknown) {
  if (res.headersSent) return void res.end();
  // An answer before the body was read: the rest of it is not wanted on this connection.
  res.writeHead(status, { "content-type": "application/json", connection: "close" });
  res.end(JSON.stringify(body));
}

export function createDashboardUpload(deps: UploadDeps) {
  const keystone = isKeystone(deps.auth) ? deps.auth : null;

  return async (req: IncomingMessage, res: ServerResponse, imageId: string): Promise<void> => {
    const requestId = requestIdOf(req);
    const log = deps.log.child({ requestId });
    try {
      if (req.method !== "PUT") throw new Refusal(405, "Use PUT to upload an image's data.");
      const csrf = uploadCsrfVerdict(req.headers, deps.publicUrl);
      if (!csrf.ok) {
        log.warn({ reason: csrf.reason }, "image upload refused: not from this server's pages");
        throw new Refusal(403, "This request did not come from the dashboard.");
      }
      const token = sessionToken(req.headers);
      const session = token && keystone ? await sessionOf(keystone, token, requestId) : null;
      if (!session) {
        throw new Refusal(
          401,
          token ? "Your session has ended. Sign in again." : "Sign in to continue.",
        );
      }
      const length = req.headers["transfer-encoding"] ? undefined : req.headers["content-length"];
      const declaredSize = length === undefined ? undefined : Number(length);
      if (declaredSize !== undefined && declaredSize > deps.maxImageBytes) {
        throw new Refusal(
          413,
          `The incoming image is too large: more than ${deps.maxImageBytes} bytes`,
        );
      }
      const started = Date.now();
      const image = await uploadImage(
        {
          bus: deps.bus,
          log,
          requestId,
          userId: session.userId,
          projectId: session.projectId,
          roles: session.roles,
          isAdmin: session.isAdmin,
        },
        imageId,
        req,
        { imagesDir: deps.imagesDir, maxSize: deps.maxImageBytes, declaredSize },
      );
      log.info(
        { image: imageId, bytes: image.size, ms: Date.now() - started },
        "image data uploaded from the dashboard",
      );
      answer(res, 200, { id: image.id, status: image.status, size: image.size });
    } catch (err) {
      if (err instanceof Refusal) return answer(res, err.status, { message: err.message });
      if (err instanceof ImageDataError) {
        return answer(res, err.kind === "too_large" ? 413 : 400, { message: err.message });
      }
      if (err instanceof ImageGoneError) return answer(res, 410, { message: err.message });
      if (req.destroyed || req.readableAborted) {
        log.warn({ image: imageId, err }, "the browser went away during the image upload");
        return answer(res, 400, { message: "The upload was interrupted." });
      }
      const error = toTRPCError(err, requestId);
      if (error.code === "INTERNAL_SERVER_ERROR") {
        log.error({ err }, "image upload from the dashboard failed");
      }
      answer(res, getHTTPStatusCodeFromError(error), { message: error.message });
    }
  };
}
