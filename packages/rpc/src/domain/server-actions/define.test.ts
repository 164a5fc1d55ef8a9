import { describe, expect, it } from "vitest";
import { refuseServerAction, serverActions } from "./index";

const server = (over: Partial<Parameters<typeof refuseServerAction>[1]> = {}) => ({
  uuid: "u1",
  vmState: "active",
  taskState: null,
  launchedAt: new Date(),
  locked: false,
  ...over,
});

describe("refuseServerAction", () => {
  it("allows stop on an active server and refuses it on a stopped one in Nova's words", () => {
    expect(refuseServerAction(serverActions.stop, server(), { isAdmin: false })).toBeNull();
    expect(
      refuseServerAction(serverActions.stop, server({ vmState: "stopped" }), { isAdmin: false }),
    ).toEqual({
      reason: "state",
      attr: "vm_state",
      state: "stopped",
      message: "Cannot 'stop' instance u1 while it is in vm_state stopped",
    });
  });

  it("refuses a second action while a task is running", () => {
    const busy = server({ taskState: "powering-off" });
    expect(refuseServerAction(serverActions.pause, busy, { isAdmin: false })?.message).toBe(
      "Cannot 'pause' instance u1 while it is in task_state powering-off",
    );
  });

  it("lets a hard reboot rescue a stuck soft reboot, but not the other way round", () => {
    const rebooting = server({ taskState: "rebooting" });
    expect(
      refuseServerAction(serverActions["reboot-hard"], rebooting, { isAdmin: false }),
    ).toBeNull();
    expect(
      refuseServerAction(serverActions["reboot-soft"], rebooting, { isAdmin: false }),
    ).not.toBeNull();
  });

  it("refuses actions on a server that never launched", () => {
    const building = server({ vmState: "active", launchedAt: null });
    expect(refuseServerAction(serverActions.stop, building, { isAdmin: false })?.message).toMatch(
      /launched_at/,
    );
  });

  it("allows delete in any state, even mid-build", () => {
    const building = server({ vmState: "building", taskState: "spawning", launchedAt: null });
    expect(refuseServerAction(serverActions.delete, building, { isAdmin: false })).toBeNull();
  });

  it("refuses a locked server except to an admin", () => {
    const locked = server({ locked: true });
    expect(refuseServerAction(serverActions.stop, locked, { isAdmin: false })).toEqual({
      reason: "locked",
      message: "Instance u1 is locked",
    });
    expect(refuseServerAction(serverActions.stop, locked, { isAdmin: true })).toBeNull();
  });

  it("names every action after its file", () => {
    for (const [key, def] of Object.entries(serverActions)) expect(def.name).toBe(key);
  });
});
