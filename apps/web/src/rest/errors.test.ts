import { describe, expect, it } from "vitest";
import {
  BUS_ERROR_CODES,
  errorBody,
  fromBusError,
  HttpError,
  isBusError,
  novaFaultBody,
  toHttpError,
  type BusErrorCode,
} from "./errors";

describe("novaFaultBody", () => {
  it.each([
    [400, "badRequest"],
    [401, "unauthorized"],
    [403, "forbidden"],
    [404, "itemNotFound"],
    [405, "badMethod"],
    [409, "conflictingRequest"],
    [413, "overLimit"],
    [415, "badMediaType"],
    [503, "serviceUnavailable"],
    // Nova has no name for these: its Fault falls back to computeFault.
    [406, "computeFault"],
    [500, "computeFault"],
  ] as const)("names a %i %s", (status, name) => {
    expect(novaFaultBody(new HttpError(status, "why"))).toEqual({
      [name]: { code: status, message: "why" },
    });
  });
});

describe("errorBody", () => {
  it("renders Keystone's and Glance's shapes", () => {
    const err = HttpError.notFound("Could not find project: p1.");
    expect(errorBody("keystone", err)).toEqual({
      error: { code: 404, title: "Not Found", message: "Could not find project: p1." },
    });
    expect(errorBody("glance", err)).toEqual({
      code: "404 Not Found",
      title: "Not Found",
      message: "Could not find project: p1.",
    });
  });
});

describe("fromBusError", () => {
  const expected: Record<BusErrorCode, number | null> = {
    not_found: 404,
    conflict: 409,
    over_quota: 403,
    no_valid_host: 400,
    invalid: 400,
    forbidden: 403,
    unauthorized: 401,
    timeout: 503,
    unavailable: 503,
    internal: null,
  };

  it.each(BUS_ERROR_CODES)("maps %s as Nova answers it", (code) => {
    const mapped = fromBusError({ code, message: `message for ${code}` });
    expect(mapped?.status ?? null).toBe(expected[code]);
  });

  it("passes client-facing messages through but not retry-only or internal ones", () => {
    expect(
      fromBusError({
        code: "conflict",
        message: "Cannot 'stop' instance x while it is in vm_state stopped",
      })?.message,
    ).toBe("Cannot 'stop' instance x while it is in vm_state stopped");
    expect(
      fromBusError({ code: "timeout", message: "conductor.instance_get after 30000ms" })?.message,
    ).not.toContain("conductor");
  });
});

describe("toHttpError", () => {
  it("keeps HttpErrors as they are", () => {
    const err = HttpError.conflict("busy");
    expect(toHttpError(err, "req-1")).toBe(err);
  });

  it("maps bus errors, recognised by their code", () => {
    expect(
      toHttpError({ code: "over_quota", message: "Quota exceeded for instances" }, "req-1").status,
    ).toBe(403);
    expect(isBusError({ code: "ECONNREFUSED", message: "connect failed" })).toBe(false);
  });

  it("turns anything else into a generic 500 naming the request id, never the cause", () => {
    const err = toHttpError(new TypeError("secret internals at /work/main/x.ts:1"), "req-abc");
    expect(err.status).toBe(500);
    expect(err.message).toContain("req-abc");
    expect(err.message).not.toContain("secret");
    const internal = toHttpError({ code: "internal", message: "db password wrong" }, "req-abc");
    expect(internal.status).toBe(500);
    expect(internal.message).not.toContain("password");
  });
});
