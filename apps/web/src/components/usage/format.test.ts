import { describe, expect, it } from "vitest";
import { hours } from "./format";

describe("usage hours", () => {
  it("keep what a short run used visible, and round long ones", () => {
    expect(hours(0)).toBe("0");
    expect(hours(0.004)).toBe("< 0.01");
    expect(hours(0.05)).toBe("0.05");
    expect(hours(12.345)).toBe("12.3");
    expect(hours(720)).toMatch(/^720$/);
    expect(hours(12_345.6)).toMatch(/^12.346$/);
  });
});
