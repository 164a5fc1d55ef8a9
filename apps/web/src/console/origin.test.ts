import { describe, expect, it } from "vitest";
import { checkOrigin } from "./origin";

const policy = { allowed: [] };

describe("checkOrigin", () => {
  it("lets a page of this server's own origin in, default ports included", () => {
    expect(checkOrigin({ host: "cloud:8080", origin: "http://cloud:8080" }, policy)).toEqual({
      ok: true,
    });
    expect(checkOrigin({ host: "cloud:80", origin: "http://cloud" }, policy).ok).toBe(true);
    expect(checkOrigin({ host: "cloud", origin: "https://cloud" }, policy).ok).toBe(true);
    expect(checkOrigin({ host: "CLOUD:8080", origin: "http://cloud:8080" }, policy).ok).toBe(true);
  });

  it("refuses another site's page (cross-site websocket hijacking)", () => {
    expect(checkOrigin({ host: "cloud:8080", origin: "http://evil.example" }, policy)).toEqual({
      ok: false,
      origin: "http://evil.example",
    });
    // same host, another port is another origin
    expect(checkOrigin({ host: "cloud:8080", origin: "http://cloud:9090" }, policy).ok).toBe(false);
    // a look-alike host
    expect(
      checkOrigin({ host: "cloud:8080", origin: "http://cloud:8080.evil.example" }, policy).ok,
    ).toBe(false);
  });

  it("refuses the opaque origin of sandboxed pages and garbage", () => {
    expect(checkOrigin({ host: "cloud", origin: "null" }, policy).ok).toBe(false);
    expect(checkOrigin({ host: "cloud", origin: "not a url" }, policy).ok).toBe(false);
  });

  it("lets clients without an Origin (not browsers) in", () => {
    expect(checkOrigin({ host: "cloud:8080" }, policy).ok).toBe(true);
  });

  it("trusts the host a proxy in front reports", () => {
    const headers = {
      host: "10.0.0.5:8080",
      "x-forwarded-host": "cloud.example.com",
      origin: "https://cloud.example.com",
    };
    expect(checkOrigin(headers, policy).ok).toBe(true);
  });

  it("lets in the origins the operator allows and the public URL's", () => {
    const allowing = {
      allowed: ["https://dashboard.example.com"],
      publicUrl: "https://cloud.example.com/nimbus",
    };
    const from = (origin: string) => checkOrigin({ host: "10.0.0.5:8080", origin }, allowing).ok;
    expect(from("https://dashboard.example.com")).toBe(true);
    expect(from("https://cloud.example.com")).toBe(true);
    expect(from("http://dashboard.example.com")).toBe(false);
    expect(from("https://other.example.com")).toBe(false);
  });
});
