// Whether a flavor can be launched, and why not, in a person's words: the launch wizard greys out
// what cannot fit the project's quota or any host, instead of letting the API refuse it after the
// click. Pure functions, shared by the server (host capacity) and the browser (quota × count).

export interface FlavorNeeds {
  vcpus: number;
  memoryMb: number;
  rootGb: number;
  ephemeralGb: number;
  swap: number;
}

/** -1 is unlimited, as in Nova. */
export interface QuotaNumbers {
  limits: { instances: number; cores: number; ram: number };
  usage: { instances: number; cores: number; ram: number };
}

/** What one host could still give one instance (no host names: members see this too). */
export interface HostSlot {
  zone: string;
  vcpus: number;
  ramMb: number;
  diskGb: number;
}

/** "512 MB", "2 GB", "1.5 GB". */
export function formatMb(mb: number): string {
  if (mb < 1024) return `${mb} MB`;
  const gb = mb / 1024;
  return `${Number.isInteger(gb) ? gb : gb.toFixed(1)} GB`;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** Disk as placement counts it: root + ephemeral + swap in whole GB. */
export const diskGbOf = (f: FlavorNeeds) => f.rootGb + f.ephemeralGb + Math.ceil(f.swap / 1024);

/** What `count` instances of the flavor add to the project's usage. */
export const demandOf = (f: FlavorNeeds, count: number) => ({
  instances: count,
  cores: f.vcpus * count,
  ram: f.memoryMb * count,
});

/** Why `count` instances of the flavor exceed the project's quota, or null. */
export function quotaRefusal(f: FlavorNeeds, count: number, q: QuotaNumbers): string | null {
  const need = demandOf(f, count);
  const left = (k: keyof QuotaNumbers["limits"]) =>
    q.limits[k] < 0 ? Infinity : Math.max(0, q.limits[k] - q.usage[k]);
  if (need.instances > left("instances")) {
    return `needs ${plural(need.instances, "instance")}, ${left("instances")} left in your quota`;
  }
  if (need.cores > left("cores")) {
    return `needs ${plural(need.cores, "vCPU")}, ${left("cores")} left in your quota`;
  }
  if (need.ram > left("ram")) {
    return `needs ${formatMb(need.ram)} of RAM, ${formatMb(left("ram"))} left in your quota`;
  }
  return null;
}

/** Why no host (in `zone`, if given) can take one instance of the flavor, or null. */
export function hostRefusal(
  f: FlavorNeeds,
  slots: readonly HostSlot[],
  zone?: string,
): string | null {
  const usable = zone ? slots.filter((s) => s.zone === zone) : slots;
  if (usable.length === 0)
    return zone ? `no compute host is up in ${zone}` : "no compute host is up";
  const disk = diskGbOf(f);
  const cpuOk = (s: HostSlot) => s.vcpus >= f.vcpus;
  const ramOk = (s: HostSlot) => s.ramMb >= f.memoryMb;
  const diskOk = (s: HostSlot) => s.diskGb >= disk;
  if (usable.some((s) => cpuOk(s) && ramOk(s) && diskOk(s))) return null;
  const where = zone ? ` in ${zone}` : "";
  if (!usable.some(cpuOk)) return `no host${where} has ${plural(f.vcpus, "vCPU")} free`;
  if (!usable.some(ramOk)) return `no host${where} has ${formatMb(f.memoryMb)} of RAM free`;
  if (!usable.some(diskOk)) return `no host${where} has ${disk} GB of disk free`;
  return `no host${where} has ${plural(f.vcpus, "vCPU")}, ${formatMb(f.memoryMb)} of RAM and ${disk} GB of disk free at once`;
}

/** The largest instance any one host could take, per resource (for "largest free: …"). */
export function largestSlot(slots: readonly HostSlot[]) {
  return {
    vcpus: Math.max(0, ...slots.map((s) => s.vcpus)),
    ramMb: Math.max(0, ...slots.map((s) => s.ramMb)),
    diskGb: Math.max(0, ...slots.map((s) => s.diskGb)),
  };
}

export interface ImageNeeds {
  minDisk: number;
  minRam: number;
  /** bytes, when known */
  size: number | null;
}

/** Why the flavor is too small for the image (Nova refuses these at create), or null. */
export function imageRefusal(f: FlavorNeeds, image: ImageNeeds): string | null {
  if (image.minRam > f.memoryMb) return `the image needs ${formatMb(image.minRam)} of RAM`;
  // A flavor with no root disk takes the image's size (Nova's zero-disk flavors).
  if (f.rootGb === 0) return null;
  if (image.minDisk > f.rootGb) return `the image needs a ${image.minDisk} GB disk`;
  if (image.size !== null && image.size > f.rootGb * 1024 ** 3) {
    return `the image is larger than its ${f.rootGb} GB disk`;
  }
  return null;
}
