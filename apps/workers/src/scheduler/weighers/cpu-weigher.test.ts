import { describe, expect, it } from "vitest";
import { fakeHost, prepared } from "../testing";
import { cpuWeigher } from "./cpu-weigher";

describe("CPUWeigher", () => {
  it("weighs the vCPUs still free under the allocation ratio", () => {
    const host = fakeHost("a", { vcpus: 4, vcpusUsed: 10, cpuAllocationRatio: 4 });
    expect(cpuWeigher.weigh(host, prepared())).toBe(6);
  });
});
