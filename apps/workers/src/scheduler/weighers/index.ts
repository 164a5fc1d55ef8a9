// Every weigher the scheduler has; the default for NIMBUS_SCHEDULER_WEIGHERS.
import { cpuWeigher } from "./cpu-weigher";
import { diskWeigher } from "./disk-weigher";
import { ramWeigher } from "./ram-weigher";
import { serverGroupSoftAffinityWeigher } from "./server-group-soft-affinity-weigher";
import { serverGroupSoftAntiAffinityWeigher } from "./server-group-soft-anti-affinity-weigher";
import type { HostWeigher } from "./weigher";

export { normalize, type HostWeigher } from "./weigher";

export const allWeighers: readonly HostWeigher[] = [
  ramWeigher,
  cpuWeigher,
  diskWeigher,
  serverGroupSoftAffinityWeigher,
  serverGroupSoftAntiAffinityWeigher,
];

export const weigherNames = allWeighers.map((w) => w.name);

/** The weighers by name; an unknown name is a configuration error. */
export function weighersByName(names: readonly string[]): HostWeigher[] {
  return names.map((name) => {
    const weigher = allWeighers.find((w) => w.name === name);
    if (!weigher)
      throw new Error(`unknown scheduler weigher ${name} (known: ${weigherNames.join(", ")})`);
    return weigher;
  });
}
