import { describe, expect, it } from "vitest";
import { fakeHost, prepared } from "../testing";
import { computeFilter } from "./compute-filter";

describe("ComputeFilter", () => {
  const spec = prepared();

  it("passes a host whose service is up and enabled", () => {
    expect(computeFilter.hostPasses(fakeHost("a"), spec)).toBe(true);
  });

  it("removes a down host", () => {
    expect(computeFilter.hostPasses(fakeHost("a", { service: { up: false } }), spec)).toBe(
      "compute service is down",
    );
  });

  it("removes a forced-down host even when its last report says up", () => {
    const host = fakeHost("a", { service: { up: true, forcedDown: true } });
    expect(computeFilter.hostPasses(host, spec)).toBe("compute service is forced down");
  });

  it("removes a disabled host and says why the admin disabled it", () => {
    const host = fakeHost("a", { service: { disabled: true, disabledReason: "maintenance" } });
    expect(computeFilter.hostPasses(host, spec)).toBe("compute service is disabled: maintenance");
    const noReason = fakeHost("b", { service: { disabled: true } });
    expect(computeFilter.hostPasses(noReason, spec)).toBe("compute service is disabled");
  });

  it("lets an admin force a disabled host, but not a down one", () => {
    const forced = prepared({ forceHost: "a" });
    expect(computeFilter.hostPasses(fakeHost("a", { service: { disabled: true } }), forced)).toBe(
      true,
    );
    expect(computeFilter.hostPasses(fakeHost("b", { service: { disabled: true } }), forced)).toBe(
      "compute service is disabled",
    );
    expect(computeFilter.hostPasses(fakeHost("a", { service: { up: false } }), forced)).toBe(
      "compute service is down",
    );
  });
});
