// The scheduler's settings. Every variable is NIMBUS_SCHEDULER_* so ./scripts/up hands it to this
// process (scripts/lib/processes.sh passes the scheduler only that prefix plus the common ones).
import { commonSettings, parseConfig } from "@nimbus/rpc";
import { z } from "zod";
import { filterNames } from "./filters";
import { weigherNames } from "./weighers";

/** A comma-separated list of names, each one of `known`. */
const nameList = (known: readonly string[], what: string) =>
  z
    .string()
    .default(known.join(","))
    .transform((s) =>
      s
        .split(",")
        .map((n) => n.trim())
        .filter((n) => n !== ""),
    )
    .check((ctx) => {
      for (const name of ctx.value) {
        if (!known.includes(name)) {
          ctx.issues.push({
            code: "custom",
            input: ctx.value,
            message: `unknown ${what} ${name} (known: ${known.join(", ")})`,
          });
        }
      }
    });

const multiplier = z.coerce.number().refine(Number.isFinite, "must be a number").default(1);
const nonNegativeMultiplier = z.coerce.number().min(0).refine(Number.isFinite).default(1);

export const schedulerSettings = {
  ...commonSettings,
  /** Filters to run, in this order (Nova's [filter_scheduler] enabled_filters). */
  NIMBUS_SCHEDULER_FILTERS: nameList(filterNames, "filter"),
  /** Weighers to apply (Nova's [filter_scheduler] weight_classes). */
  NIMBUS_SCHEDULER_WEIGHERS: nameList(weigherNames, "weigher"),
  /** Positive spreads instances over hosts by free RAM, negative stacks them. */
  NIMBUS_SCHEDULER_RAM_WEIGHT_MULTIPLIER: multiplier,
  NIMBUS_SCHEDULER_CPU_WEIGHT_MULTIPLIER: multiplier,
  NIMBUS_SCHEDULER_DISK_WEIGHT_MULTIPLIER: multiplier,
  NIMBUS_SCHEDULER_SOFT_AFFINITY_WEIGHT_MULTIPLIER: nonNegativeMultiplier,
  NIMBUS_SCHEDULER_SOFT_ANTI_AFFINITY_WEIGHT_MULTIPLIER: nonNegativeMultiplier,
  /**
   * Pick at random among the best N hosts instead of the best one (Nova's host_subset_size):
   * fewer lost claims when several schedulers or bursts race for the same host.
   */
  NIMBUS_SCHEDULER_HOST_SUBSET_SIZE: z.coerce.number().int().min(1).default(1),
  /** How often the scheduler reports to the conductor (Nova's report_interval). */
  NIMBUS_SCHEDULER_REPORT_INTERVAL_MS: z.coerce.number().int().min(100).default(10_000),
  /** The safety-net full re-read of the hosts, on top of the notifications. */
  NIMBUS_SCHEDULER_REFRESH_INTERVAL_MS: z.coerce.number().int().min(100).default(60_000),
};

export type SchedulerConfig = ReturnType<typeof loadConfig>;

export function loadConfig(env: Record<string, string | undefined> = process.env) {
  return parseConfig(schedulerSettings, env);
}

/** Each weigher's multiplier, by the weigher's name. */
export function weightMultipliers(config: SchedulerConfig): Record<string, number> {
  return {
    RAMWeigher: config.NIMBUS_SCHEDULER_RAM_WEIGHT_MULTIPLIER,
    CPUWeigher: config.NIMBUS_SCHEDULER_CPU_WEIGHT_MULTIPLIER,
    DiskWeigher: config.NIMBUS_SCHEDULER_DISK_WEIGHT_MULTIPLIER,
    ServerGroupSoftAffinityWeigher: config.NIMBUS_SCHEDULER_SOFT_AFFINITY_WEIGHT_MULTIPLIER,
    ServerGroupSoftAntiAffinityWeigher:
      config.NIMBUS_SCHEDULER_SOFT_ANTI_AFFINITY_WEIGHT_MULTIPLIER,
  };
}
