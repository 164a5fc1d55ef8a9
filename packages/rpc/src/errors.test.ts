import { describe, expect, it } from "vitest";
import { isRetryable, isRpcError, RpcError, toWireError, wireErrorSchema } from "./errors.js";

describe("RpcError on the wire", () => {
  it("keeps code, message and details across the round trip", () => {
    const err = new RpcError("over_quota", "Quota exceeded for cores", { requested: 4, left: 2 });
    const back = RpcError.fromWire(
      wireErrorSchema.parse(JSON.parse(JSON.stringify(toWireError(err)))),
    );
    expect(back).toBeInstanceOf(RpcError);
    expect(back).toMatchObject({ code: "over_quota", message: "Quota exceeded for cores" });
    expect(back.details).toEqual({ requested: 4, left: 2 });
  });

  it("turns any other error into a generic internal one, without its message or stack", () => {
    const wire = toWireError(new Error("connect ECONNREFUSED 10.0.0.5:3306 password=hunter2"));
    expect(wire.code).toBe("internal");
    expect(JSON.stringify(wire)).not.toMatch(/ECONNREFUSED|hunter2|at /);
  });

  it("narrows by code", () => {
    const err: unknown = new RpcError("not_found", "Instance x could not be found.");
    expect(isRpcError(err)).toBe(true);
    expect(isRpcError(err, "not_found")).toBe(true);
    expect(isRpcError(err, "conflict")).toBe(false);
    expect(isRpcError(new Error("x"))).toBe(false);
  });

  it("retries outages and bugs, not answers", () => {
    expect(isRetryable(new Error("boom"))).toBe(true);
    expect(isRetryable(new RpcError("unavailable", "x"))).toBe(true);
    expect(isRetryable(new RpcError("timeout", "x"))).toBe(true);
    expect(isRetryable(new RpcError("not_found", "x"))).toBe(false);
    expect(isRetryable(new RpcError("conflict", "x"))).toBe(false);
  });
});
