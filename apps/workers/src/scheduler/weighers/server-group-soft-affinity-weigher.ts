// ServerGroupSoftAffinityWeigher: for a "soft-affinity" group, hosts holding more of its members
// (including those placed earlier in the same request) weigh more; no host is ever excluded.
import type { HostWeigher } from "./weigher";

export const serverGroupSoftAffinityWeigher: HostWeigher = {
  name: "ServerGroupSoftAffinityWeigher",
  appliesTo: (spec) => spec.group?.policy === "soft-affinity" && spec.group.size > 0,
  weigh: (host, spec) => spec.group!.count(host.host),
};
