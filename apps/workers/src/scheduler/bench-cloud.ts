// The synthetic cloud of the scheduling benchmark (P4): host records of a few sizes, part used,
// some disabled or down, in three zones, and single-instance requests of m1.tiny … m1.large with
// zones and anti-affinity groups. Deterministic, so every run schedules the same cloud. Used by
// bench.ts here and by bench/benchmarks/p4-scheduling.ts (which also runs it through the bus).
import { randomUUID } from "node:crypto";
import type { ComputeNode, RequestSpec } from "@nimbus/rpc";
import { fakeNode, fakeSpec } from "./testing";

export const BENCH_ALTERNATES = 2;

/** A small deterministic PRNG. */
function prng(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
}

export const benchHostName = (i: number) => `compute-${String(i).padStart(4, "0")}`;

/** Sizes of host `i`: 16, 32 or 64 vCPUs with 4 GB per vCPU and 2 TB of disk. */
export function benchHostSize(i: number) {
  const vcpus = [16, 32, 64][i % 3]!;
  return {
    vcpus,
    memoryMb: vcpus * 4096,
    localGb: 2000,
    cpuAllocationRatio: 4,
    ramAllocationRatio: 1.5,
  };
}

/** Hosts of a few sizes, part used; 2% disabled, 1% down, three zones. */
export function benchCloud(hostCount: number): ComputeNode[] {
  const rand = prng(42);
  return Array.from({ length: hostCount }, (_, i) => {
    const size = benchHostSize(i);
    return fakeNode(benchHostName(i), {
      id: i + 1,
      ...size,
      vcpusUsed: Math.floor(rand() * size.vcpus * 2),
      memoryMbUsed: Math.floor(rand() * size.memoryMb),
      localGbUsed: Math.floor(rand() * 1500),
      availabilityZone: ["az1", "az2", "az3"][i % 3]!,
      service: { disabled: i % 50 === 7, up: i % 100 !== 13 },
    });
  });
}

/**
 * m1.tiny … m1.large, `zone` for a third of them (az2 by default; null: none), an anti-affinity
 * group for a tenth.
 */
export function benchRequests(
  count: number,
  hostCount: number,
  zone: string | null = "az2",
): RequestSpec[] {
  const flavors = [
    { memoryMb: 512, vcpus: 1, rootGb: 1 },
    { memoryMb: 2048, vcpus: 1, rootGb: 20 },
    { memoryMb: 4096, vcpus: 2, rootGb: 40 },
    { memoryMb: 8192, vcpus: 4, rootGb: 80 },
  ];
  const rand = prng(7);
  return Array.from({ length: count }, (_, i) =>
    fakeSpec({
      flavor: flavors[i % flavors.length]!,
      image: { properties: { architecture: "x86_64", hypervisor_type: "qemu" } },
      availabilityZone: i % 3 === 0 ? zone : null,
      group:
        i % 10 === 0
          ? {
              uuid: randomUUID(),
              policy: "anti-affinity",
              hosts: [benchHostName(Math.floor(rand() * hostCount))],
            }
          : null,
    }),
  );
}
