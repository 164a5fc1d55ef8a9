// DiskFilter: root + ephemeral + swap (whole GB, as placement counts it) left under
// local_gb × disk_allocation_ratio − the disk already allocated; at most local_gb for one instance.
import type { HostFilter } from "./filter";

export const diskFilter: HostFilter = {
  name: "DiskFilter",
  summary: "not enough free disk",
  appliesTo: (spec) => spec.requested.diskGb > 0,
  hostPasses(host, spec) {
    const want = spec.requested.diskGb;
    if (want > host.totalDiskGb) {
      return `needs ${want} GB of disk; the host has ${host.totalDiskGb} GB in all`;
    }
    if (want > host.freeDiskGb) {
      return `needs ${want} GB of disk; ${host.freeDiskGb} GB free (${host.totalDiskGb} GB × ${host.diskRatio} − ${host.usedDiskGb} GB allocated)`;
    }
    return true;
  },
};
