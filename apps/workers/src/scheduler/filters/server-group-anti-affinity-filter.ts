// ServerGroupAntiAffinityFilter: members of an "anti-affinity" group each on a host of their own,
// counting the hosts chosen earlier in the same request.
import type { HostFilter } from "./filter";

export const serverGroupAntiAffinityFilter: HostFilter = {
  name: "ServerGroupAntiAffinityFilter",
  summary: "server group anti-affinity",
  appliesTo: (spec) => spec.group?.policy === "anti-affinity" && spec.group.size > 0,
  hostPasses(host, spec) {
    const group = spec.group!;
    return group.has(host.host)
      ? `server group ${group.uuid} (anti-affinity) already has a member on this host`
      : true;
  },
};
