import { describe, expect, it } from "vitest";
import {
  contextFromHeaders,
  contextToHeaders,
  newRequestId,
  type RequestContext,
} from "./context.js";

describe("request context in headers", () => {
  it("round-trips every field", () => {
    const ctx: RequestContext = {
      requestId: newRequestId(),
      userId: "u1",
      projectId: "p1",
      roles: ["member", "reader"],
      isAdmin: false,
    };
    expect(contextFromHeaders(contextToHeaders(ctx))).toEqual({ ok: true, ctx });
  });

  it("uses Nova's request id format", () => {
    expect(newRequestId()).toMatch(/^req-[0-9a-f-]{36}$/);
  });

  it("refuses a message without a request id or with a malformed field", () => {
    expect(contextFromHeaders({}).ok).toBe(false);
    const bad = contextFromHeaders({
      ...contextToHeaders({ requestId: "r" }),
      "x-nimbus-roles": "admin",
    });
    expect(bad.ok).toBe(false);
  });

  it("has no place for a token", () => {
    // @ts-expect-error — tokens never travel on the bus
    const ctx: RequestContext = { requestId: "r", authToken: "secret" };
    expect(Object.keys(contextToHeaders(ctx))).toEqual(["x-nimbus-request-id"]);
  });
});
