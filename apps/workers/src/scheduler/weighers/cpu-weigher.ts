// CPUWeigher: more free vCPUs (under the allocation ratio) weighs more.
import type { HostWeigher } from "./weigher";

export const cpuWeigher: HostWeigher = {
  name: "CPUWeigher",
  weigh: (host) => host.freeVcpus,
};
