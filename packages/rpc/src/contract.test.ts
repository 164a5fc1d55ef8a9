import { describe, expect, it } from "vitest";
import { z } from "zod";
import { accepts, defineCall, defineCast, defineNotification, parseVersion } from "./contract.js";

describe("version negotiation", () => {
  it.each([
    ["1.3", "1.3", true],
    ["1.3", "1.0", true],
    ["1.3", "1.4", false], // a newer minor may carry fields we would drop
    ["1.3", "2.0", false],
    ["2.0", "1.9", false],
    ["1.3", "", false],
    ["1.3", "1", false],
    ["1.3", "1.3.1", false],
  ] as const)("a receiver at %s accepts %s: %s", (mine, theirs, ok) => {
    expect(accepts(mine, theirs)).toBe(ok);
  });

  it("parses major.minor", () => {
    expect(parseVersion("12.7")).toEqual({ major: 12, minor: 7 });
    expect(parseVersion("01.2")).toBeUndefined();
  });
});

describe("defining contracts", () => {
  const request = z.object({});

  it("builds the wire key from service and name", () => {
    const c = defineCall({
      service: "compute",
      name: "get_console",
      version: "1.0",
      request,
      reply: request,
    });
    expect(c).toMatchObject({ kind: "call", key: "compute.get_console" });
    expect(defineCast({ service: "compute", name: "build", version: "2.1", request }).kind).toBe(
      "cast",
    );
  });

  it("refuses names that would break routing keys, and bad versions", () => {
    expect(() => defineCast({ service: "com.pute", name: "x", version: "1.0", request })).toThrow(
      /service/,
    );
    expect(() =>
      defineCast({ service: "compute", name: "Build", version: "1.0", request }),
    ).toThrow(/name/);
    expect(() =>
      defineCast({ service: "compute", name: "b", version: "1" as "1.0", request }),
    ).toThrow(/version/);
    expect(() => defineNotification({ event: "update", version: "1.0", payload: request })).toThrow(
      /event/,
    );
  });
});
