import { describe, expect, it } from "vitest";
import { fakeHost, prepared } from "../testing";
import { ramWeigher } from "./ram-weigher";

describe("RAMWeigher", () => {
  it("weighs the RAM still free under the allocation ratio", () => {
    const host = fakeHost("a", { memoryMb: 4096, memoryMbUsed: 5120, ramAllocationRatio: 1.5 });
    expect(ramWeigher.weigh(host, prepared())).toBe(1024);
  });

  it("weighs a host less once an instance is placed on it", () => {
    const host = fakeHost("a", { memoryMb: 4096 });
    const spec = prepared({ flavor: { memoryMb: 1024 } });
    host.consume(spec.requested);
    expect(ramWeigher.weigh(host, spec)).toBe(3072);
  });
});
