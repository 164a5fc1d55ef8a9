import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { hostId, isotime, perfectTime, perfectTimeOrNull } from "./format";
import { isoInstant, isUuid, canonicalUuid, parseStrictBool } from "./params";

describe("Nova's value formats", () => {
  it("writes isotime with whole seconds and Z, from any ISO instant", () => {
    expect(isotime("2026-01-02T03:04:05.678Z")).toBe("2026-01-02T03:04:05Z");
    expect(isotime("2026-01-02T04:04:05+01:00")).toBe("2026-01-02T03:04:05Z");
  });

  it("writes datetimes as Nova's serializer does: naive UTC, six fraction digits", () => {
    expect(perfectTime("2026-01-02T03:04:05.678Z")).toBe("2026-01-02T03:04:05.678000");
    expect(perfectTime("2026-01-02T03:04:05Z")).toBe("2026-01-02T03:04:05.000000");
    expect(perfectTimeOrNull(null)).toBeNull();
  });

  it("hashes project id + host with sha224 for hostId, empty without a host", () => {
    expect(hostId("p1", "compute-a")).toBe(
      createHash("sha224").update("p1compute-a").digest("hex"),
    );
    expect(hostId("p1", "compute-a")).toHaveLength(56);
    expect(hostId("p2", "compute-a")).not.toBe(hostId("p1", "compute-a"));
    expect(hostId("p1", null)).toBe("");
  });
});

describe("query value parsers", () => {
  it("reads ISO 8601 date-times as UTC unless they name a zone", () => {
    expect(isoInstant("2026-01-02T03:04:05", "x")).toBe("2026-01-02T03:04:05.000Z");
    expect(isoInstant("2026-01-02T03:04:05.123456Z", "x")).toBe("2026-01-02T03:04:05.123Z");
    expect(isoInstant("2026-01-02T03:04:05-0200", "x")).toBe("2026-01-02T05:04:05.000Z");
    expect(isoInstant("2026-01-02", "x")).toBe("2026-01-02T00:00:00.000Z");
    expect(() => isoInstant("2026-13-45", "x")).toThrow(/is not a 'date-time'/);
    expect(() => isoInstant("now", "x")).toThrow(/is not a 'date-time'/);
  });

  it("knows uuids as Nova does: any case, dashes optional", () => {
    expect(isUuid("0E44CC9C-E052-415D-AFBF-469B0D384170")).toBe(true);
    expect(isUuid("0e44cc9ce052415dafbf469b0d384170")).toBe(true);
    expect(isUuid("web-1")).toBe(false);
    expect(canonicalUuid("0E44CC9CE052415DAFBF469B0D384170")).toBe(
      "0e44cc9c-e052-415d-afbf-469b0d384170",
    );
  });

  it("parses strict booleans", () => {
    expect(parseStrictBool("Yes", "x")).toBe(true);
    expect(parseStrictBool("0", "x")).toBe(false);
    expect(() => parseStrictBool("maybe", "x")).toThrow(/Invalid value 'maybe' for x/);
  });
});
