// AvailabilityZoneFilter: when the request names a zone, only hosts in it.
import type { HostFilter } from "./filter";

export const availabilityZoneFilter: HostFilter = {
  name: "AvailabilityZoneFilter",
  summary: "not in the requested availability zone",
  appliesTo: (spec) => spec.availabilityZone !== null,
  hostPasses(host, spec) {
    return host.availabilityZone === spec.availabilityZone
      ? true
      : `in availability zone "${host.availabilityZone}", not "${spec.availabilityZone}"`;
  },
};
