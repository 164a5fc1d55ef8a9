import { describe, expect, it } from "vitest";
import { actionLabel, actionState, eventLabel } from "./action-state";

describe("actionState", () => {
  it("is running until finished, failed on Nova's Error marks", () => {
    expect(actionState({ finishTime: null, message: null, events: [{ result: null }] })).toBe(
      "running",
    );
    expect(actionState({ finishTime: "t", message: null, events: [{ result: "Success" }] })).toBe(
      "succeeded",
    );
    expect(actionState({ finishTime: "t", message: "Error", events: [] })).toBe("failed");
    expect(actionState({ finishTime: null, message: null, events: [{ result: "Error" }] })).toBe(
      "failed",
    );
  });
});

describe("labels", () => {
  it("names actions by their definitions, and events readably", () => {
    expect(actionLabel("create")).toBe("Launch");
    expect(actionLabel("stop")).toBe("Shut off");
    expect(actionLabel("reboot")).toBe("Reboot");
    expect(actionLabel("resetState")).toBe("Reset state");
    expect(actionLabel("shelve")).toBe("shelve");
    expect(eventLabel("compute_build_and_run_instance")).toBe("Building on the host");
    expect(eventLabel("compute_stop_instance")).toBe("Stop instance");
  });
});
