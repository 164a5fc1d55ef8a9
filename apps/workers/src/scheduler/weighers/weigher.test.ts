import { describe, expect, it } from "vitest";
import { normalize } from "./weigher";

describe("normalize (Nova's weights.normalize)", () => {
  it("maps the minimum to 0, the maximum to 1 and the rest linearly between", () => {
    expect([10, 20, 15].map((v) => normalize(v, 10, 20))).toEqual([0, 1, 0.5]);
    expect([-3, -1].map((v) => normalize(v, -3, -1))).toEqual([0, 1]);
  });

  it("gives 0 to every host when they all weigh the same", () => {
    expect(normalize(7, 7, 7)).toBe(0);
  });
});
