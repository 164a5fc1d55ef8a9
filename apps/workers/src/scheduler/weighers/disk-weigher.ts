// DiskWeigher: more unallocated disk (under the allocation ratio) weighs more.
import type { HostWeigher } from "./weigher";

export const diskWeigher: HostWeigher = {
  name: "DiskWeigher",
  weigh: (host) => host.freeDiskGb,
};
