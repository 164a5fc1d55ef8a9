// Typed errors that travel back over the bus. Only the code, a safe message and plain JSON details
// cross it; stacks and internal messages stay in the handler's log.
import { z } from "zod";

export const errorCodes = [
  "not_found",
  "conflict",
  "over_quota",
  "no_valid_host",
  "invalid",
  "forbidden",
  "unauthorized",
  "timeout",
  "unavailable",
  "internal",
] as const;

export type ErrorCode = (typeof errorCodes)[number];

export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export const wireErrorSchema = z.object({
  code: z.enum(errorCodes),
  message: z.string(),
  details: z.json().optional(),
});

export type WireError = z.infer<typeof wireErrorSchema>;

export class RpcError extends Error {
  override name = "RpcError";

  constructor(
    readonly code: ErrorCode,
    /** Shown to API clients as is: keep it free of internals. */
    message: string,
    readonly details?: JsonValue,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  toWire(): WireError {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }

  static fromWire(wire: WireError): RpcError {
    return new RpcError(wire.code, wire.message, wire.details as JsonValue | undefined);
  }
}

export function isRpcError(err: unknown, code?: ErrorCode): err is RpcError {
  return err instanceof RpcError && (code === undefined || err.code === code);
}

/** What a caller may see of any error: RpcErrors as they are, anything else as a generic internal. */
export function toWireError(err: unknown): WireError {
  return err instanceof RpcError
    ? err.toWire()
    : { code: "internal", message: "An internal error occurred while handling the request." };
}

/**
 * Codes worth trying again for a cast: the failure may be gone on the next delivery. Other RpcErrors
 * (not_found, conflict, invalid…) are deterministic answers, so the cast is dead-lettered at once.
 */
export function isRetryable(err: unknown): boolean {
  return !(err instanceof RpcError) || ["timeout", "unavailable", "internal"].includes(err.code);
}
