// One error type for every REST response that is not a success, and the mapping from the bus's typed
// error codes to it. Each API renders it in its own project's shape (Nova, Keystone, Glance).
import { STATUS_CODES } from "node:http";
import { errorCodes, type ErrorCode } from "@nimbus/rpc";
import type { ContentfulStatusCode } from "hono/utils/http-status";

export type ErrorStatus = ContentfulStatusCode &
  (400 | 401 | 403 | 404 | 405 | 406 | 409 | 410 | 413 | 415 | 416 | 429 | 500 | 501 | 503);

export class HttpError extends Error {
  override name = "HttpError";
  constructor(
    readonly status: ErrorStatus,
    message: string,
    /** Extra response headers, e.g. `Allow` on a 405. */
    readonly headers: Record<string, string> = {},
    /** Render in this shape whatever the API (Keystone's middleware answers bad tokens for all). */
    readonly format?: ErrorFormat,
  ) {
    super(message);
  }

  static badRequest = (message: string) => new HttpError(400, message);
  static unauthorized = (message = "The request you have made requires authentication.") =>
    new HttpError(401, message);
  static forbidden = (message: string) => new HttpError(403, message);
  static notFound = (message = "The resource could not be found.") => new HttpError(404, message);
  static conflict = (message: string) => new HttpError(409, message);
}

/** The error codes the bus carries, as its contracts define them. */
export const BUS_ERROR_CODES = errorCodes;
export type BusErrorCode = ErrorCode;

export interface BusErrorLike {
  code: BusErrorCode;
  message: string;
}

export function isBusError(err: unknown): err is BusErrorLike {
  if (typeof err !== "object" || err === null) return false;
  const { code, message } = err as { code?: unknown; message?: unknown };
  return typeof message === "string" && (BUS_ERROR_CODES as readonly unknown[]).includes(code);
}

/**
 * Nova's answers for the same conditions: quota is 403 on create (not 413), NoValidHost on a
 * synchronous move is 400. A timeout or an absent service is retryable, so 503 rather than 500.
 * `internal` keeps its message out of the response: it is for the log, not the client.
 */
export function fromBusError(err: BusErrorLike): HttpError | null {
  switch (err.code) {
    case "not_found":
      return new HttpError(404, err.message);
    case "conflict":
      return new HttpError(409, err.message);
    case "over_quota":
    case "forbidden":
      return new HttpError(403, err.message);
    case "no_valid_host":
    case "invalid":
      return new HttpError(400, err.message);
    case "unauthorized":
      return new HttpError(401, err.message);
    case "timeout":
      return new HttpError(503, "The service did not answer in time. Try again later.");
    case "unavailable":
      return new HttpError(503, "The service is unavailable. Try again later.");
    case "internal":
      return null;
  }
}

export function unexpectedError(requestId: string): HttpError {
  return new HttpError(
    500,
    `Unexpected API Error. Please report this with request id ${requestId} and attach the Nimbus API log if possible.`,
  );
}

/** Any thrown value as the HttpError the client sees. */
export function toHttpError(err: unknown, requestId: string): HttpError {
  if (err instanceof HttpError) return err;
  if (isBusError(err)) return fromBusError(err) ?? unexpectedError(requestId);
  return unexpectedError(requestId);
}

/** Nova's fault names (nova/api/openstack/wsgi.py Fault); any other status is a computeFault, 406 included. */
const NOVA_FAULT_NAMES: Partial<Record<number, string>> = {
  400: "badRequest",
  401: "unauthorized",
  403: "forbidden",
  404: "itemNotFound",
  405: "badMethod",
  409: "conflictingRequest",
  413: "overLimit",
  415: "badMediaType",
  429: "overLimit",
  501: "notImplemented",
  503: "serviceUnavailable",
};

export function novaFaultBody(err: HttpError) {
  return {
    [NOVA_FAULT_NAMES[err.status] ?? "computeFault"]: { code: err.status, message: err.message },
  };
}

/** Keystone's error body. */
export function keystoneErrorBody(err: HttpError) {
  return {
    error: { code: err.status, title: STATUS_CODES[err.status] ?? "Error", message: err.message },
  };
}

/** Glance answers with webob's JSON error body. */
export function glanceErrorBody(err: HttpError) {
  const title = STATUS_CODES[err.status] ?? "Error";
  return { code: `${err.status} ${title}`, title, message: err.message };
}

/**
 * Glance's errors are webob's: HTML for clients that accept it (an Accept of any type included,
 * which is what the stock clients send), JSON for those that prefer it, plain text for those that
 * take neither. NOTE(nimbus): without any preference (no or an empty Accept, as openstacksdk sends
 * on uploads and PATCH) webob answers plain text, from which the SDK shows only "Forbidden"; JSON
 * lets it show the message. glanceclient and openstacksdk read all three.
 */
export function glanceErrorResponse(
  err: HttpError,
  accept: string | undefined,
): { contentType: string; body: string } {
  const status = `${err.status} ${STATUS_CODES[err.status] ?? "Error"}`;
  switch (accept?.trim() ? preferredErrorType(accept) : "application/json") {
    case "text/html": {
      const body = `${escapeHtml(err.message)}<br /><br />\n\n\n`;
      const html = `<html>\n <head>\n  <title>${status}</title>\n </head>\n <body>\n  <h1>${status}</h1>\n  ${body}\n </body>\n</html>`;
      return { contentType: "text/html; charset=UTF-8", body: html };
    }
    case "application/json":
      return { contentType: "application/json", body: JSON.stringify(glanceErrorBody(err)) };
    default:
      return { contentType: "text/plain; charset=UTF-8", body: `${status}\n\n${err.message}\n\n` };
  }
}

/** webob's choice between text/html and application/json (in that order on equal quality), or neither. */
export function preferredErrorType(accept: string | undefined): string | null {
  const ranges = (accept ?? "")
    .split(",")
    .map((part) => {
      const [type = "", ...params] = part.split(";").map((p) => p.trim().toLowerCase());
      const q = params.find((p) => p.startsWith("q="));
      return { type, q: q ? Number(q.slice(2)) : 1 };
    })
    .filter((r) => r.type !== "");
  const quality = (offer: string) => {
    const [major] = offer.split("/");
    // The most specific range that matches decides.
    const match =
      ranges.find((r) => r.type === offer) ??
      ranges.find((r) => r.type === `${major}/*`) ??
      ranges.find((r) => r.type === "*/*");
    return match && Number.isFinite(match.q) ? match.q : 0;
  };
  let best: string | null = null;
  let bestQ = 0;
  for (const offer of ["text/html", "application/json"]) {
    const q = quality(offer);
    if (q > bestQ) [best, bestQ] = [offer, q];
  }
  return best;
}

const escapeHtml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

export type ErrorFormat = "nova" | "keystone" | "glance";

export function errorBody(format: ErrorFormat, err: HttpError): Record<string, unknown> {
  switch (format) {
    case "nova":
      return novaFaultBody(err);
    case "keystone":
      return keystoneErrorBody(err);
    case "glance":
      return glanceErrorBody(err);
  }
}
