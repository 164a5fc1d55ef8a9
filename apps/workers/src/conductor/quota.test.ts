import { describe, expect, it } from "vitest";
import { decideInstanceCount, refuseUpsize } from "./quota";

const limits = { instances: 10, cores: 20, ram: 51200 };
const tiny = { vcpus: 1, memoryMb: 512 };

describe("decideInstanceCount", () => {
  it("grants the maximum when it fits", () => {
    expect(decideInstanceCount(limits, { instances: 0, cores: 0, ram: 0 }, tiny, 1, 5)).toEqual({
      ok: true,
      count: 5,
    });
  });

  it("refuses one more server in Nova's words", () => {
    expect(
      decideInstanceCount(limits, { instances: 10, cores: 10, ram: 5120 }, tiny, 1, 1),
    ).toEqual({
      ok: false,
      message: "Quota exceeded for instances: Requested 1, but already used 10 of 10 instances",
    });
  });

  it("gives as many as fit between min_count and max_count", () => {
    expect(decideInstanceCount(limits, { instances: 7, cores: 7, ram: 0 }, tiny, 2, 5)).toEqual({
      ok: true,
      count: 3,
    });
  });

  it("refuses when fewer than min_count fit, naming the range", () => {
    expect(decideInstanceCount(limits, { instances: 8, cores: 8, ram: 0 }, tiny, 3, 4)).toEqual({
      ok: false,
      message: "Quota exceeded for instances: Requested 3-4, but already used 8 of 10 instances",
    });
  });

  it("counts cores and ram, listing every resource over its limit", () => {
    const big = { vcpus: 8, memoryMb: 32768 };
    expect(decideInstanceCount(limits, { instances: 1, cores: 16, ram: 32768 }, big, 1, 1)).toEqual(
      {
        ok: false,
        message:
          "Quota exceeded for cores, ram: Requested 8, 32768, but already used 16, 32768 of 20, 51200 cores, ram",
      },
    );
  });

  it("treats -1 as unlimited", () => {
    const open = { instances: -1, cores: -1, ram: 1024 };
    expect(decideInstanceCount(open, { instances: 500, cores: 500, ram: 0 }, tiny, 1, 10)).toEqual({
      ok: true,
      count: 2,
    });
    expect(
      decideInstanceCount(open, { instances: 500, cores: 500, ram: 1024 }, tiny, 1, 1),
    ).toEqual({
      ok: false,
      message: "Quota exceeded for ram: Requested 512, but already used 1024 of 1024 ram",
    });
  });

  it("never grants more than the instances headroom even when cores are unlimited", () => {
    const coresOpen = { instances: 3, cores: -1, ram: -1 };
    const zeroSized = { vcpus: 0, memoryMb: 0 };
    expect(
      decideInstanceCount(coresOpen, { instances: 1, cores: 0, ram: 0 }, zeroSized, 1, 9),
    ).toEqual({
      ok: true,
      count: 2,
    });
  });
});

describe("refuseUpsize", () => {
  it("checks only the growth", () => {
    expect(
      refuseUpsize(limits, { instances: 1, cores: 19, ram: 512 }, { cores: 1, ram: 0 }),
    ).toBeNull();
    expect(
      refuseUpsize(limits, { instances: 1, cores: 19, ram: 512 }, { cores: 2, ram: 1024 }),
    ).toBe("Quota exceeded for cores: Requested 2, but already used 19 of 20 cores");
  });
});
