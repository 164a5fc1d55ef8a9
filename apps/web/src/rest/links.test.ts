import { describe, expect, it } from "vitest";
import { computeResourceLinks, publicBaseUrl } from "./links";

const h = (headers: Record<string, string>) => new Headers(headers);

describe("publicBaseUrl", () => {
  it("uses the request's own scheme and host", () => {
    expect(publicBaseUrl("http://10.0.0.5:8080/compute/", h({}))).toBe("http://10.0.0.5:8080");
  });

  it("respects a proxy's X-Forwarded-Proto and X-Forwarded-Host (first hop)", () => {
    const headers = h({
      "x-forwarded-proto": "https",
      "x-forwarded-host": "cloud.example, inner:8080",
    });
    expect(publicBaseUrl("http://10.0.0.5:8080/compute/", headers)).toBe("https://cloud.example");
  });

  it("ignores forwarded values that are not a scheme or a host", () => {
    const headers = h({ "x-forwarded-proto": "javascript", "x-forwarded-host": "evil/path?x" });
    expect(publicBaseUrl("http://10.0.0.5:8080/x", headers)).toBe("http://10.0.0.5:8080");
  });

  it("prefers NIMBUS_PUBLIC_URL over everything", () => {
    const headers = h({ "x-forwarded-host": "other" });
    expect(publicBaseUrl("http://10.0.0.5/x", headers, "https://nimbus.example/cloud")).toBe(
      "https://nimbus.example/cloud",
    );
  });
});

describe("computeResourceLinks", () => {
  it("gives self under /v2.1 and bookmark without it, as Nova's view builders", () => {
    expect(computeResourceLinks("http://h", "flavors", "m1.small")).toEqual([
      { rel: "self", href: "http://h/compute/v2.1/flavors/m1.small" },
      { rel: "bookmark", href: "http://h/compute/flavors/m1.small" },
    ]);
  });
});
