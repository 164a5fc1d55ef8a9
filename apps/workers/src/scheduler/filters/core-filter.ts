// CoreFilter: enough vCPUs left under vcpus × cpu_allocation_ratio, and an instance never gets more
// vCPUs than the host has CPUs (Nova: no overcommit of an instance against itself).
import type { HostFilter } from "./filter";

export const coreFilter: HostFilter = {
  name: "CoreFilter",
  summary: "not enough free vCPUs",
  appliesTo: (spec) => spec.requested.vcpus > 0,
  hostPasses(host, spec) {
    const want = spec.requested.vcpus;
    if (want > host.totalVcpus) {
      return `needs ${want} vCPUs; the host has ${host.totalVcpus} CPUs`;
    }
    if (want > host.freeVcpus) {
      return `needs ${want} vCPUs; ${host.freeVcpus} free (${host.totalVcpus} × ${host.cpuRatio} − ${host.usedVcpus} used)`;
    }
    return true;
  },
};
