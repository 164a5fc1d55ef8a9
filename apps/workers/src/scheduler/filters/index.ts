// Every filter the scheduler has, in Nova's order (cheap and common checks first); the default for
// NIMBUS_SCHEDULER_FILTERS.
import { availabilityZoneFilter } from "./availability-zone-filter";
import { computeFilter } from "./compute-filter";
import { coreFilter } from "./core-filter";
import { diskFilter } from "./disk-filter";
import type { HostFilter } from "./filter";
import { imagePropertiesFilter } from "./image-properties-filter";
import { ramFilter } from "./ram-filter";
import { serverGroupAffinityFilter } from "./server-group-affinity-filter";
import { serverGroupAntiAffinityFilter } from "./server-group-anti-affinity-filter";

export type { HostFilter } from "./filter";

export const allFilters: readonly HostFilter[] = [
  availabilityZoneFilter,
  computeFilter,
  ramFilter,
  coreFilter,
  diskFilter,
  imagePropertiesFilter,
  serverGroupAntiAffinityFilter,
  serverGroupAffinityFilter,
];

export const filterNames = allFilters.map((f) => f.name);

/** The filters by name, in the order given; an unknown name is a configuration error. */
export function filtersByName(names: readonly string[]): HostFilter[] {
  return names.map((name) => {
    const filter = allFilters.find((f) => f.name === name);
    if (!filter)
      throw new Error(`unknown scheduler filter ${name} (known: ${filterNames.join(", ")})`);
    return filter;
  });
}
