// Quota arithmetic for new servers, as Nova's check_num_instances_quota does it: a request for
// min..max servers gets as many as fit, or is refused in Nova's words. Pure: the handler counts
// usage under the project's lock and hands the numbers in.

/** -1 means unlimited. */
export interface InstanceQuotaLimits {
  instances: number;
  cores: number;
  ram: number;
}

export interface InstanceUsage {
  instances: number;
  cores: number;
  ram: number;
}

export type QuotaDecision = { ok: true; count: number } | { ok: false; message: string };

type Resource = keyof InstanceQuotaLimits;
const RESOURCES: Resource[] = ["cores", "instances", "ram"]; // sorted, as Nova lists overs

export function decideInstanceCount(
  limits: InstanceQuotaLimits,
  usage: InstanceUsage,
  flavor: { vcpus: number; memoryMb: number },
  minCount: number,
  maxCount: number,
): QuotaDecision {
  const wanted = {
    instances: maxCount,
    cores: maxCount * flavor.vcpus,
    ram: maxCount * flavor.memoryMb,
  };
  const overs = RESOURCES.filter((r) => limits[r] >= 0 && usage[r] + wanted[r] > limits[r]);
  if (overs.length === 0) return { ok: true, count: maxCount };

  const headroom = (r: Resource) => (limits[r] < 0 ? Infinity : limits[r] - usage[r]);
  let allowed = headroom("instances");
  if (flavor.vcpus) allowed = Math.min(allowed, Math.floor(headroom("cores") / flavor.vcpus));
  if (flavor.memoryMb) allowed = Math.min(allowed, Math.floor(headroom("ram") / flavor.memoryMb));
  if (allowed >= minCount && allowed <= maxCount) return { ok: true, count: allowed };

  const requested: Record<Resource, string> = {
    instances: minCount === maxCount ? String(minCount) : `${minCount}-${maxCount}`,
    cores: String(wanted.cores),
    ram: String(wanted.ram),
  };
  const list = (f: (r: Resource) => string) => overs.map(f).join(", ");
  const names = list((r) => r);
  return {
    ok: false,
    message:
      `Quota exceeded for ${names}: Requested ${list((r) => requested[r])}, ` +
      `but already used ${list((r) => String(usage[r]))} of ${list((r) => String(limits[r]))} ${names}`,
  };
}

/**
 * A resize to a bigger flavor needs quota for the difference only (Nova's upsize_quota_delta);
 * returns the refusal message, or null when it fits.
 */
export function refuseUpsize(
  limits: InstanceQuotaLimits,
  usage: InstanceUsage,
  delta: { cores: number; ram: number },
): string | null {
  const overs = (["cores", "ram"] as const).filter(
    (r) => delta[r] > 0 && limits[r] >= 0 && usage[r] + delta[r] > limits[r],
  );
  if (overs.length === 0) return null;
  const list = (f: (r: "cores" | "ram") => string) => overs.map(f).join(", ");
  const names = list((r) => r);
  return (
    `Quota exceeded for ${names}: Requested ${list((r) => String(delta[r]))}, ` +
    `but already used ${list((r) => String(usage[r]))} of ${list((r) => String(limits[r]))} ${names}`
  );
}
