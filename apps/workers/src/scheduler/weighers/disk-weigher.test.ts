import { describe, expect, it } from "vitest";
import { fakeHost, prepared } from "../testing";
import { diskWeigher } from "./disk-weigher";

describe("DiskWeigher", () => {
  it("weighs the disk not yet allocated, under the allocation ratio", () => {
    const host = fakeHost("a", { localGb: 100, localGbUsed: 30, diskAllocationRatio: 2 });
    expect(diskWeigher.weigh(host, prepared())).toBe(170);
  });
});
