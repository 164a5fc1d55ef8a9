import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { fakeHost, prepared } from "../testing";
import { serverGroupSoftAntiAffinityWeigher } from "./server-group-soft-anti-affinity-weigher";

describe("ServerGroupSoftAntiAffinityWeigher", () => {
  const spec = prepared({
    group: { uuid: randomUUID(), policy: "soft-anti-affinity", hosts: ["a", "a", "b"] },
  });

  it("weighs hosts with fewer members higher", () => {
    const weights = ["a", "b", "c"].map((h) =>
      serverGroupSoftAntiAffinityWeigher.weigh(fakeHost(h), spec),
    );
    expect(weights).toEqual([-2, -1, -0]);
  });

  it("applies only to soft-anti-affinity groups with members", () => {
    expect(serverGroupSoftAntiAffinityWeigher.appliesTo!(spec)).toBe(true);
    const hard = prepared({ group: { uuid: randomUUID(), policy: "anti-affinity", hosts: ["a"] } });
    expect(serverGroupSoftAntiAffinityWeigher.appliesTo!(hard)).toBe(false);
  });
});
