// The shape every weigher has (Nova's BaseHostWeigher): a raw number per host, bigger is better.
// The scheduler normalizes each weigher's numbers to 0..1 over the candidate hosts (min → 0,
// max → 1; all equal → 0), multiplies by the weigher's configured multiplier and sums.
import type { HostState } from "../host-state";
import type { PreparedSpec } from "../request";

export interface HostWeigher {
  /** Nova's class name: what NIMBUS_SCHEDULER_WEIGHERS lists and explanations show */
  readonly name: string;
  /** When false the weigher has nothing to say about this request and is skipped. */
  appliesTo?(spec: PreparedSpec): boolean;
  weigh(host: HostState, spec: PreparedSpec): number;
}

/** Nova's weights.normalize for one value: where it sits between the minimum and the maximum. */
export function normalize(value: number, min: number, max: number): number {
  return max === min ? 0 : (value - min) / (max - min);
}
