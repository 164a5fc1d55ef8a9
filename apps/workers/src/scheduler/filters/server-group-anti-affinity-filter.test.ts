import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { fakeHost, prepared } from "../testing";
import { serverGroupAntiAffinityFilter } from "./server-group-anti-affinity-filter";

const group = (policy: "affinity" | "anti-affinity" | "soft-anti-affinity", hosts: string[]) =>
  prepared({ group: { uuid: randomUUID(), policy, hosts } });

describe("ServerGroupAntiAffinityFilter", () => {
  it("removes hosts that already hold a member", () => {
    const spec = group("anti-affinity", ["a"]);
    expect(serverGroupAntiAffinityFilter.hostPasses(fakeHost("b"), spec)).toBe(true);
    expect(serverGroupAntiAffinityFilter.hostPasses(fakeHost("a"), spec)).toMatch(
      /^server group [-0-9a-f]+ \(anti-affinity\) already has a member on this host$/,
    );
  });

  it("counts the hosts chosen earlier in the same request", () => {
    const spec = group("anti-affinity", []);
    expect(serverGroupAntiAffinityFilter.appliesTo!(spec)).toBe(false);
    spec.group!.add("b");
    expect(serverGroupAntiAffinityFilter.appliesTo!(spec)).toBe(true);
    expect(serverGroupAntiAffinityFilter.hostPasses(fakeHost("b"), spec)).not.toBe(true);
  });

  it("leaves soft policies to the weighers", () => {
    expect(serverGroupAntiAffinityFilter.appliesTo!(group("soft-anti-affinity", ["a"]))).toBe(
      false,
    );
    expect(serverGroupAntiAffinityFilter.appliesTo!(group("affinity", ["a"]))).toBe(false);
  });
});
