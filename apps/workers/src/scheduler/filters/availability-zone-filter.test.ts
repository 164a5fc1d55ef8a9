import { describe, expect, it } from "vitest";
import { fakeHost, prepared } from "../testing";
import { availabilityZoneFilter } from "./availability-zone-filter";

describe("AvailabilityZoneFilter", () => {
  it("keeps only hosts in the requested zone", () => {
    const spec = prepared({ availabilityZone: "az1" });
    expect(
      availabilityZoneFilter.hostPasses(fakeHost("a", { availabilityZone: "az1" }), spec),
    ).toBe(true);
    expect(
      availabilityZoneFilter.hostPasses(fakeHost("b", { availabilityZone: "nova" }), spec),
    ).toBe('in availability zone "nova", not "az1"');
  });

  it("does not run when the request names no zone", () => {
    expect(availabilityZoneFilter.appliesTo!(prepared())).toBe(false);
    expect(availabilityZoneFilter.appliesTo!(prepared({ availabilityZone: "nova" }))).toBe(true);
  });
});
