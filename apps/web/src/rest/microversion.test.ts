import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  MAX_MICROVERSION,
  Microversion,
  microversionHeaders,
  negotiateMicroversion,
  requestedMicroversion,
} from "./microversion";

const headers = (h: Record<string, string>) => new Headers(h);

describe("requestedMicroversion", () => {
  it("reads the standard header for compute, case-insensitively", () => {
    expect(requestedMicroversion(headers({ "OpenStack-API-Version": "Compute 2.47" }))).toBe(
      "2.47",
    );
  });

  it("takes the last compute entry of a folded header and ignores other services", () => {
    const h = headers({
      "OpenStack-API-Version": "compute 2.3, volume 3.40, compute 2.60, identity 3.0",
    });
    expect(requestedMicroversion(h)).toBe("2.60");
  });

  it("falls back to the legacy header only when the standard one names no compute version", () => {
    expect(requestedMicroversion(headers({ "X-OpenStack-Nova-API-Version": "2.10" }))).toBe("2.10");
    expect(
      requestedMicroversion(
        headers({ "OpenStack-API-Version": "volume 3.1", "X-OpenStack-Nova-API-Version": "2.10" }),
      ),
    ).toBe("2.10");
    expect(
      requestedMicroversion(
        headers({ "OpenStack-API-Version": "compute 2.5", "X-OpenStack-Nova-API-Version": "2.10" }),
      ),
    ).toBe("2.5");
  });

  it("is null without either header", () => {
    expect(requestedMicroversion(headers({}))).toBeNull();
  });
});

describe("negotiateMicroversion", () => {
  const negotiate = (h: Record<string, string>) => negotiateMicroversion(headers(h));

  it("serves 2.1 when no version is asked for", () => {
    const n = negotiate({});
    expect(n.ok && n.version.toString()).toBe("2.1");
  });

  it("serves the maximum for latest", () => {
    const n = negotiate({ "OpenStack-API-Version": "compute latest" });
    expect(n.ok && n.version.toString()).toBe(MAX_MICROVERSION);
  });

  it("serves every version in range as asked", () => {
    const max = Microversion.of(MAX_MICROVERSION).minor;
    fc.assert(
      fc.property(fc.integer({ min: 1, max }), (minor) => {
        const n = negotiate({ "OpenStack-API-Version": `compute 2.${minor}` });
        return n.ok && n.version.toString() === `2.${minor}`;
      }),
    );
  });

  it("refuses versions out of range with 406 and Nova's message, echoing the version asked", () => {
    const n = negotiate({ "OpenStack-API-Version": "compute 2.999" });
    expect(n.ok).toBe(false);
    if (n.ok) return;
    expect(n.error.status).toBe(406);
    expect(n.error.message).toBe(
      `Version 2.999 is not supported by the API. Minimum is 2.1 and maximum is ${MAX_MICROVERSION}.`,
    );
    expect(n.echo?.toString()).toBe("2.999");
    for (const v of ["2.0", "3.1", "1.5"]) {
      const r = negotiate({ "X-OpenStack-Nova-API-Version": v });
      expect(!r.ok && r.error.status).toBe(406);
    }
  });

  it("refuses malformed versions with 400", () => {
    for (const v of ["2", "2.01", "v2.1", "2.1.1", "LATEST", "02.1"]) {
      const n = negotiate({ "OpenStack-API-Version": `compute ${v}` });
      expect(n.ok).toBe(false);
      if (n.ok) continue;
      expect(n.error.status).toBe(400);
      expect(n.error.message).toBe(
        `API Version String ${v} is of invalid format. Must be of format MajorNum.MinorNum.`,
      );
    }
  });
});

describe("Microversion", () => {
  it("compares numerically, not as strings", () => {
    const v = Microversion.of("2.47");
    expect(v.atLeast("2.47")).toBe(true);
    expect(v.atLeast("2.5")).toBe(true);
    expect(v.atLeast("2.48")).toBe(false);
    expect(v.atLeast("2.100")).toBe(false);
    expect(v.atMost("2.100")).toBe(true);
    expect(v.atMost("2.9")).toBe(false);
  });

  it("rejects malformed literals loudly", () => {
    expect(() => Microversion.of("2.x" as "2.1")).toThrow(/malformed/);
  });

  it("names the version in every header Nova sends", () => {
    expect(microversionHeaders(Microversion.of("2.61"))).toEqual({
      "OpenStack-API-Version": "compute 2.61",
      "X-OpenStack-Nova-API-Version": "2.61",
      Vary: "OpenStack-API-Version, X-OpenStack-Nova-API-Version",
    });
  });
});
