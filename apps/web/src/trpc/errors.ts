// What a procedure's failure looks like to the dashboard: the API's own words (the same message the
// REST API would answer with), under the tRPC code closest to its HTTP status.
import { TRPCError } from "@trpc/server";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";
import { HttpError, isBusError, type BusErrorCode } from "../rest/errors";

const BY_BUS_CODE: Record<BusErrorCode, TRPC_ERROR_CODE_KEY> = {
  not_found: "NOT_FOUND",
  conflict: "CONFLICT",
  over_quota: "FORBIDDEN",
  forbidden: "FORBIDDEN",
  no_valid_host: "BAD_REQUEST",
  invalid: "BAD_REQUEST",
  unauthorized: "UNAUTHORIZED",
  timeout: "TIMEOUT",
  unavailable: "SERVICE_UNAVAILABLE",
  internal: "INTERNAL_SERVER_ERROR",
};

const BY_STATUS: Record<number, TRPC_ERROR_CODE_KEY> = {
  400: "BAD_REQUEST",
  401: "UNAUTHORIZED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  409: "CONFLICT",
  413: "PAYLOAD_TOO_LARGE",
  429: "TOO_MANY_REQUESTS",
  503: "SERVICE_UNAVAILABLE",
};

/** Any error a service threw, as the TRPCError the browser gets; null for a TRPCError already. */
export function toTRPCError(err: unknown, requestId: string): TRPCError {
  if (err instanceof TRPCError) {
    // tRPC wraps what a procedure throws; the service's error is its cause.
    if (err.code !== "INTERNAL_SERVER_ERROR" || !err.cause || err.cause === err) return err;
    return toTRPCError(err.cause, requestId);
  }
  if (isBusError(err)) {
    const code = BY_BUS_CODE[err.code];
    if (err.code === "timeout") {
      return new TRPCError({
        code,
        message: "The service did not answer in time. Try again later.",
      });
    }
    if (err.code === "unavailable") {
      return new TRPCError({ code, message: "The service is unavailable. Try again later." });
    }
    if (code !== "INTERNAL_SERVER_ERROR")
      return new TRPCError({ code, message: err.message, cause: err });
  }
  if (err instanceof HttpError && err.status < 500) {
    return new TRPCError({ code: BY_STATUS[err.status] ?? "BAD_REQUEST", message: err.message });
  }
  return new TRPCError({
    code: "INTERNAL_SERVER_ERROR",
    message: `Unexpected error. Please report it with request id ${requestId}.`,
    cause: err,
  });
}
