import { ConfigError } from "@nimbus/rpc";
import { describe, expect, it } from "vitest";
import { loadConfig, weightMultipliers } from "./config";
import { filterNames } from "./filters";
import { weigherNames } from "./weighers";

describe("scheduler config", () => {
  it("defaults to every filter in Nova's order, every weigher, multipliers 1, best host", () => {
    const config = loadConfig({});
    expect(config.NIMBUS_SCHEDULER_FILTERS).toEqual([
      "AvailabilityZoneFilter",
      "ComputeFilter",
      "RamFilter",
      "CoreFilter",
      "DiskFilter",
      "ImagePropertiesFilter",
      "ServerGroupAntiAffinityFilter",
      "ServerGroupAffinityFilter",
    ]);
    expect(config.NIMBUS_SCHEDULER_FILTERS).toEqual(filterNames);
    expect(config.NIMBUS_SCHEDULER_WEIGHERS).toEqual(weigherNames);
    expect(Object.values(weightMultipliers(config))).toEqual([1, 1, 1, 1, 1]);
    expect(config.NIMBUS_SCHEDULER_HOST_SUBSET_SIZE).toBe(1);
    expect(config.NIMBUS_SCHEDULER_REPORT_INTERVAL_MS).toBe(10_000);
    expect(config.NIMBUS_SCHEDULER_REFRESH_INTERVAL_MS).toBe(60_000);
  });

  it("reads lists with spaces and negative multipliers", () => {
    const config = loadConfig({
      NIMBUS_SCHEDULER_FILTERS: " ComputeFilter , RamFilter,",
      NIMBUS_SCHEDULER_RAM_WEIGHT_MULTIPLIER: "-2.5",
    });
    expect(config.NIMBUS_SCHEDULER_FILTERS).toEqual(["ComputeFilter", "RamFilter"]);
    expect(weightMultipliers(config).RAMWeigher).toBe(-2.5);
  });

  it("refuses unknown names and bad numbers at start, listing every problem", () => {
    const bad = () =>
      loadConfig({
        NIMBUS_SCHEDULER_FILTERS: "ComputeFilter,NoSuchFilter",
        NIMBUS_SCHEDULER_WEIGHERS: "Heavy",
        NIMBUS_SCHEDULER_CPU_WEIGHT_MULTIPLIER: "lots",
        NIMBUS_SCHEDULER_SOFT_AFFINITY_WEIGHT_MULTIPLIER: "-1",
        NIMBUS_SCHEDULER_HOST_SUBSET_SIZE: "0",
      });
    expect(bad).toThrow(ConfigError);
    expect(bad).toThrow(/unknown filter NoSuchFilter/);
    expect(bad).toThrow(/unknown weigher Heavy/);
    expect(bad).toThrow(/NIMBUS_SCHEDULER_CPU_WEIGHT_MULTIPLIER/);
    expect(bad).toThrow(/NIMBUS_SCHEDULER_SOFT_AFFINITY_WEIGHT_MULTIPLIER/);
    expect(bad).toThrow(/NIMBUS_SCHEDULER_HOST_SUBSET_SIZE/);
  });
});
