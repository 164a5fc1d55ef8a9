import { describe, expect, it } from "vitest";
import { fakeHost, prepared } from "../testing";
import { ramFilter } from "./ram-filter";

describe("RamFilter", () => {
  const wants = (memoryMb: number) => prepared({ flavor: { memoryMb } });

  it("passes while the request fits under memory × ratio − used, exactly at the limit too", () => {
    const host = fakeHost("a", { memoryMb: 4096, memoryMbUsed: 2048 });
    expect(ramFilter.hostPasses(host, wants(2048))).toBe(true);
    expect(ramFilter.hostPasses(host, wants(2049))).toMatch(
      /^needs 2049 MB of RAM; 2048 MB free \(4096 MB × 1 − 2048 MB used\)$/,
    );
  });

  it("overcommits by the allocation ratio", () => {
    const host = fakeHost("a", { memoryMb: 4096, memoryMbUsed: 4096, ramAllocationRatio: 1.5 });
    expect(ramFilter.hostPasses(host, wants(2048))).toBe(true);
    expect(ramFilter.hostPasses(host, wants(2049))).not.toBe(true);
  });

  it("never gives one instance more RAM than the host has, whatever the ratio", () => {
    const host = fakeHost("a", { memoryMb: 4096, ramAllocationRatio: 4 });
    expect(ramFilter.hostPasses(host, wants(8192))).toBe(
      "needs 8192 MB of RAM; the host has 4096 MB in all",
    );
  });

  it("removes a host that is already overcommitted (negative free RAM)", () => {
    const host = fakeHost("a", { memoryMb: 1024, memoryMbUsed: 2048 });
    expect(ramFilter.hostPasses(host, wants(1))).not.toBe(true);
  });

  it("does not run for a flavor without RAM", () => {
    expect(ramFilter.appliesTo!(wants(0))).toBe(false);
    expect(ramFilter.appliesTo!(wants(1))).toBe(true);
  });
});
