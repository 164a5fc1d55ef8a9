// ServerGroupSoftAntiAffinityWeigher: for a "soft-anti-affinity" group, hosts holding fewer of its
// members weigh more; when every host has one, members still land somewhere.
import type { HostWeigher } from "./weigher";

export const serverGroupSoftAntiAffinityWeigher: HostWeigher = {
  name: "ServerGroupSoftAntiAffinityWeigher",
  appliesTo: (spec) => spec.group?.policy === "soft-anti-affinity" && spec.group.size > 0,
  weigh: (host, spec) => -spec.group!.count(host.host),
};
