import { describe, expect, it } from "vitest";
import { ping } from "./conductor/ping.js";
import { decodeReply, encodeMessage, encodeReply } from "./envelope.js";
import { RpcError } from "./errors.js";

const ctx = { requestId: "req-1", projectId: "p1" };

describe("encodeMessage", () => {
  it("carries type, version, context and a fresh id per message", () => {
    const a = encodeMessage(ping, { echo: "hi" }, ctx);
    const b = encodeMessage(ping, { echo: "hi" }, ctx);
    expect(a).toMatchObject({
      type: "conductor.ping",
      headers: {
        "x-nimbus-version": "1.0",
        "x-nimbus-request-id": "req-1",
        "x-nimbus-project-id": "p1",
      },
    });
    expect(JSON.parse(a.body.toString())).toEqual({ echo: "hi" });
    expect(a.messageId).not.toBe(b.messageId);
  });

  it("refuses to send what does not fit the contract", () => {
    const bad = () => encodeMessage(ping, { echo: 42 } as never, ctx);
    expect(bad).toThrow(RpcError);
    expect(bad).toThrow(
      expect.objectContaining({
        code: "invalid",
        details: { issues: [expect.objectContaining({ path: "echo" })] },
      }),
    );
  });
});

describe("decodeReply", () => {
  it("returns a reply that fits", () => {
    expect(decodeReply(ping, encodeReply({ ok: true, reply: { echo: "x", host: "h" } }))).toEqual({
      echo: "x",
      host: "h",
    });
  });

  it("rethrows the handler's typed error", () => {
    const body = encodeReply({ ok: false, error: { code: "not_found", message: "no such thing" } });
    expect(() => decodeReply(ping, body)).toThrow(
      expect.objectContaining({ code: "not_found", message: "no such thing" }),
    );
  });

  it("treats a reply outside the contract, or garbage, as internal", () => {
    expect(() => decodeReply(ping, encodeReply({ ok: true, reply: { echo: 1 } }))).toThrow(
      expect.objectContaining({ code: "internal" }),
    );
    expect(() => decodeReply(ping, Buffer.from("{"))).toThrow(
      expect.objectContaining({ code: "internal" }),
    );
  });
});
