import { describe, expect, it } from "vitest";
import { fakeHost, prepared } from "../testing";
import { coreFilter } from "./core-filter";

describe("CoreFilter", () => {
  const wants = (vcpus: number) => prepared({ flavor: { vcpus } });

  it("passes while the vCPUs fit under vcpus × ratio − used", () => {
    const host = fakeHost("a", { vcpus: 4, vcpusUsed: 3 });
    expect(coreFilter.hostPasses(host, wants(1))).toBe(true);
    expect(coreFilter.hostPasses(host, wants(2))).toBe("needs 2 vCPUs; 1 free (4 × 1 − 3 used)");
  });

  it("overcommits by the allocation ratio (Nova's default 16)", () => {
    const host = fakeHost("a", { vcpus: 4, vcpusUsed: 62, cpuAllocationRatio: 16 });
    expect(coreFilter.hostPasses(host, wants(2))).toBe(true);
    expect(coreFilter.hostPasses(host, wants(3))).not.toBe(true);
  });

  it("never gives an instance more vCPUs than the host has CPUs", () => {
    const host = fakeHost("a", { vcpus: 4, cpuAllocationRatio: 16 });
    expect(coreFilter.hostPasses(host, wants(5))).toBe("needs 5 vCPUs; the host has 4 CPUs");
  });

  it("floors a fractional capacity as placement does", () => {
    const host = fakeHost("a", { vcpus: 3, cpuAllocationRatio: 1.5 }); // 4.5 → 4
    expect(host.freeVcpus).toBe(4);
  });
});
