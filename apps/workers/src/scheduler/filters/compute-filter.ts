// ComputeFilter: only hosts whose compute service is up, not forced down, and enabled. An admin who
// forces a host (az:host) may use it while it is disabled, as in Nova; never while it is down.
import type { HostFilter } from "./filter";

export const computeFilter: HostFilter = {
  name: "ComputeFilter",
  summary: "compute service down or disabled",
  hostPasses(host, spec) {
    if (host.forcedDown) return "compute service is forced down";
    if (!host.up) return "compute service is down";
    if (host.disabled && host.host !== spec.forceHost) {
      return host.disabledReason
        ? `compute service is disabled: ${host.disabledReason}`
        : "compute service is disabled";
    }
    return true;
  },
};
