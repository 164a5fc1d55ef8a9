import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { fakeHost, prepared } from "../testing";
import { serverGroupAffinityFilter } from "./server-group-affinity-filter";

const group = (policy: "affinity" | "anti-affinity", hosts: string[]) =>
  prepared({ group: { uuid: randomUUID(), policy, hosts } });

describe("ServerGroupAffinityFilter", () => {
  it("keeps only the host the group's members are on", () => {
    const spec = group("affinity", ["a", "a"]);
    expect(serverGroupAffinityFilter.hostPasses(fakeHost("a"), spec)).toBe(true);
    expect(serverGroupAffinityFilter.hostPasses(fakeHost("b"), spec)).toMatch(
      /^server group [-0-9a-f]+ \(affinity\) has its members on a$/,
    );
  });

  it("lets the first member go anywhere, then follows the hosts chosen in the same request", () => {
    const spec = group("affinity", []);
    expect(serverGroupAffinityFilter.appliesTo!(spec)).toBe(false);
    spec.group!.add("b");
    expect(serverGroupAffinityFilter.appliesTo!(spec)).toBe(true);
    expect(serverGroupAffinityFilter.hostPasses(fakeHost("b"), spec)).toBe(true);
    expect(serverGroupAffinityFilter.hostPasses(fakeHost("a"), spec)).not.toBe(true);
  });

  it("does not run for other policies or without a group", () => {
    expect(serverGroupAffinityFilter.appliesTo!(group("anti-affinity", ["a"]))).toBe(false);
    expect(serverGroupAffinityFilter.appliesTo!(prepared())).toBe(false);
  });
});
