// RAMWeigher: more free RAM (under the allocation ratio) weighs more, so a positive multiplier
// spreads instances and a negative one stacks them.
import type { HostWeigher } from "./weigher";

export const ramWeigher: HostWeigher = {
  name: "RAMWeigher",
  weigh: (host) => host.freeRamMb,
};
