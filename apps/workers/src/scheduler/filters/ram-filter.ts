// RamFilter: enough RAM left under memory_mb × ram_allocation_ratio, and never more than the host
// has in all for one instance (placement's max_unit).
import type { HostFilter } from "./filter";

export const ramFilter: HostFilter = {
  name: "RamFilter",
  summary: "not enough free RAM",
  appliesTo: (spec) => spec.requested.memoryMb > 0,
  hostPasses(host, spec) {
    const want = spec.requested.memoryMb;
    if (want > host.totalRamMb) {
      return `needs ${want} MB of RAM; the host has ${host.totalRamMb} MB in all`;
    }
    if (want > host.freeRamMb) {
      return `needs ${want} MB of RAM; ${host.freeRamMb} MB free (${host.totalRamMb} MB × ${host.ramRatio} − ${host.usedRamMb} MB used)`;
    }
    return true;
  },
};
