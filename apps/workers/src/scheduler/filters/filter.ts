// The shape every scheduler filter has (Nova's BaseHostFilter.host_passes): one host, one request,
// a yes or the reason the host is removed. Filters run in the configured order over the hosts the
// previous ones kept.
import type { HostState } from "../host-state";
import type { PreparedSpec } from "../request";

export interface HostFilter {
  /** Nova's class name: what NIMBUS_SCHEDULER_FILTERS lists and explanations show */
  readonly name: string;
  /** why hosts fail it, in a few words, for the "No valid host was found" summary */
  readonly summary: string;
  /** When false the request asks nothing of this filter and no host is looked at. */
  appliesTo?(spec: PreparedSpec): boolean;
  /** `true`, or the reason (for a person) this host cannot take the instance. */
  hostPasses(host: HostState, spec: PreparedSpec): true | string;
}
