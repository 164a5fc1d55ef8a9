import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { fakeHost, prepared } from "../testing";
import { serverGroupSoftAffinityWeigher } from "./server-group-soft-affinity-weigher";

describe("ServerGroupSoftAffinityWeigher", () => {
  const spec = prepared({
    group: { uuid: randomUUID(), policy: "soft-affinity", hosts: ["a", "a", "b"] },
  });

  it("weighs the group's members on each host", () => {
    expect(serverGroupSoftAffinityWeigher.weigh(fakeHost("a"), spec)).toBe(2);
    expect(serverGroupSoftAffinityWeigher.weigh(fakeHost("b"), spec)).toBe(1);
    expect(serverGroupSoftAffinityWeigher.weigh(fakeHost("c"), spec)).toBe(0);
  });

  it("applies only to soft-affinity groups with members", () => {
    expect(serverGroupSoftAffinityWeigher.appliesTo!(spec)).toBe(true);
    const empty = prepared({ group: { uuid: randomUUID(), policy: "soft-affinity", hosts: [] } });
    expect(serverGroupSoftAffinityWeigher.appliesTo!(empty)).toBe(false);
    const hard = prepared({ group: { uuid: randomUUID(), policy: "affinity", hosts: ["a"] } });
    expect(serverGroupSoftAffinityWeigher.appliesTo!(hard)).toBe(false);
  });
});
