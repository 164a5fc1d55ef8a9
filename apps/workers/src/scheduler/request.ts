// A request spec turned, once per request, into the values the filters and weighers compare with,
// so nothing is parsed, looked up or allocated per host.
import type { RequestSpec } from "@nimbus/rpc";
import { canonicalArch, type Resources } from "./host-state";

export type GroupPolicy = NonNullable<RequestSpec["group"]>["policy"];

/**
 * The server group the instances join: how many members each host holds, counting the hosts
 * chosen earlier in the same request. `group.hosts` may list a host once per member.
 */
export class GroupMembers {
  private readonly counts = new Map<string, number>();
  private listed: string | undefined;

  constructor(
    readonly uuid: string,
    readonly policy: GroupPolicy,
    hosts: readonly string[],
  ) {
    for (const h of hosts) this.add(h);
  }

  get size(): number {
    return this.counts.size;
  }

  has(host: string): boolean {
    return this.counts.has(host);
  }

  count(host: string): number {
    return this.counts.get(host) ?? 0;
  }

  add(host: string): void {
    this.counts.set(host, (this.counts.get(host) ?? 0) + 1);
    this.listed = undefined;
  }

  /** The member hosts, for reasons ("a, b"); built once per change, not per host. */
  describe(): string {
    this.listed ??= [...this.counts.keys()].join(", ");
    return this.listed;
  }
}

export interface PreparedSpec {
  requested: Resources;
  availabilityZone: string | null;
  forceHost: string | null;
  ignoreHosts: ReadonlySet<string>;
  /** from `hw_architecture` (or the legacy `architecture`), canonical */
  imageArch: string | null;
  /** from `img_hv_type` (or the legacy `hypervisor_type`), lower case */
  imageHypervisorType: string | null;
  group: GroupMembers | null;
}

/** Disk as placement counts it: root + ephemeral + swap rounded up to whole GB. */
export function requestedResources(flavor: RequestSpec["flavor"]): Resources {
  return {
    memoryMb: flavor.memoryMb,
    vcpus: flavor.vcpus,
    diskGb: flavor.rootGb + flavor.ephemeralGb + Math.ceil(flavor.swap / 1024),
  };
}

export function prepareSpec(spec: RequestSpec): PreparedSpec {
  const props = spec.image.properties;
  const arch = props["hw_architecture"] || props["architecture"];
  const hvType = props["img_hv_type"] || props["hypervisor_type"];
  return {
    requested: requestedResources(spec.flavor),
    availabilityZone: spec.availabilityZone,
    forceHost: spec.forceHost,
    ignoreHosts: new Set(spec.ignoreHosts),
    imageArch: arch ? canonicalArch(arch) : null,
    imageHypervisorType: hvType ? hvType.toLowerCase() : null,
    group: spec.group
      ? new GroupMembers(spec.group.uuid, spec.group.policy, spec.group.hosts)
      : null,
  };
}
