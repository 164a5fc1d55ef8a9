import { describe, expect, it } from "vitest";
import { statesFromStatus, statusFromState } from "./states";

describe("statusFromState", () => {
  it.each([
    ["building", "scheduling", "BUILD"],
    ["building", null, "BUILD"],
    ["active", null, "ACTIVE"],
    ["active", "powering-off", "ACTIVE"],
    ["active", "rebooting", "REBOOT"],
    ["active", "rebooting_hard", "HARD_REBOOT"],
    ["active", "resize_prep", "RESIZE"],
    ["stopped", null, "SHUTOFF"],
    ["stopped", "resize_finish", "RESIZE"],
    ["resized", null, "VERIFY_RESIZE"],
    ["resized", "resize_reverting", "REVERT_RESIZE"],
    ["resized", "resize_confirming", "VERIFY_RESIZE"],
    ["paused", null, "PAUSED"],
    ["suspended", "resuming", "SUSPENDED"],
    ["error", null, "ERROR"],
    ["deleted", null, "DELETED"],
    ["bogus", null, "UNKNOWN"],
  ])("%s + %s → %s", (vm, task, status) => {
    expect(statusFromState(vm, task)).toBe(status);
  });
});

describe("statesFromStatus", () => {
  it("maps ACTIVE to active minus the task states that show otherwise", () => {
    const sel = statesFromStatus("active");
    expect(sel).toHaveLength(1);
    const [only] = sel;
    expect(only?.vmState).toBe("active");
    expect(only && "exceptTaskStates" in only && only.exceptTaskStates).toContain("rebooting");
    expect(only && "exceptTaskStates" in only && only.exceptTaskStates).not.toContain(
      "powering-off",
    );
  });

  it("maps RESIZE to the resize task states of active and stopped servers", () => {
    expect(statesFromStatus("RESIZE")).toEqual([
      {
        vmState: "active",
        taskStates: ["resize_prep", "resize_migrating", "resize_migrated", "resize_finish"],
      },
      {
        vmState: "stopped",
        taskStates: ["resize_prep", "resize_migrating", "resize_migrated", "resize_finish"],
      },
    ]);
  });

  it("round-trips every status it returns", () => {
    for (const status of [
      "ACTIVE",
      "BUILD",
      "SHUTOFF",
      "REBOOT",
      "HARD_REBOOT",
      "VERIFY_RESIZE",
      "ERROR",
    ]) {
      for (const sel of statesFromStatus(status)) {
        const task = "taskStates" in sel ? sel.taskStates[0]! : null;
        expect(statusFromState(sel.vmState, task)).toBe(status);
      }
    }
  });

  it("returns nothing for an unknown status", () => {
    expect(statesFromStatus("NOPE")).toEqual([]);
  });
});
