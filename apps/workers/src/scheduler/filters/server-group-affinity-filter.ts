// ServerGroupAffinityFilter: members of an "affinity" group all go to the host the group already
// uses (including hosts chosen earlier in the same request); the first member goes anywhere.
import type { HostFilter } from "./filter";

export const serverGroupAffinityFilter: HostFilter = {
  name: "ServerGroupAffinityFilter",
  summary: "server group affinity",
  appliesTo: (spec) => spec.group?.policy === "affinity" && spec.group.size > 0,
  hostPasses(host, spec) {
    const group = spec.group!;
    return group.has(host.host)
      ? true
      : `server group ${group.uuid} (affinity) has its members on ${group.describe()}`;
  },
};
