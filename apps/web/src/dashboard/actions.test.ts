import { describe, expect, it } from "vitest";
import { availability, isStuck, type ActionTarget } from "./actions";

const server = (over: Partial<ActionTarget> = {}): ActionTarget => ({
  id: "s1",
  projectId: "p1",
  status: "ACTIVE",
  vmState: "active",
  taskState: null,
  launchedAt: "2026-11-21T08:00:00Z",
  locked: false,
  ...over,
});
const member = { roles: ["member", "reader"], projectId: "p1", isAdmin: false };
const reader = { roles: ["reader"], projectId: "p1", isAdmin: false };
const admin = { roles: ["admin", "member", "reader"], projectId: "admin", isAdmin: true };

describe("availability", () => {
  it("follows the shared guards: stop on an active server, start only once stopped", () => {
    expect(availability("stop", server(), member)).toEqual({ ok: true });
    expect(availability("start", server(), member)).toEqual({
      ok: false,
      policy: false,
      reason: "Not possible while the instance is ACTIVE.",
    });
    expect(
      availability("start", server({ vmState: "stopped", status: "SHUTOFF" }), member),
    ).toEqual({ ok: true });
  });

  it("says a task is in the way, a build is unfinished, or the server is locked", () => {
    expect(
      availability("stop", server({ taskState: "rebooting", status: "REBOOT" }), member),
    ).toMatchObject({
      reason: "Not while the instance is rebooting.",
    });
    expect(availability("stop", server({ launchedAt: null }), member)).toMatchObject({
      reason: "The instance has not finished building.",
    });
    expect(availability("stop", server({ locked: true }), member)).toMatchObject({
      reason: "The instance is locked.",
    });
    expect(availability("stop", server({ locked: true }), admin)).toEqual({ ok: true });
    expect(
      availability("delete", server({ taskState: "spawning", launchedAt: null }), member),
    ).toEqual({ ok: true });
  });

  it("refuses by policy before state: a reader changes nothing, reset-state is an admin's", () => {
    expect(availability("stop", server(), reader)).toEqual({
      ok: false,
      policy: true,
      reason: "Your role here (reader) does not allow this.",
    });
    expect(availability("reset-state", server(), member)).toMatchObject({
      ok: false,
      policy: true,
    });
    expect(availability("reset-state", server(), admin)).toEqual({ ok: true });
    // Another project's server, for a member: policy says no.
    expect(availability("stop", server({ projectId: "p2" }), member)).toMatchObject({
      policy: true,
    });
  });
});

describe("isStuck", () => {
  const now = Date.parse("2026-11-21T08:30:00Z");
  it("flags a task state older than the threshold, never a server without a task", () => {
    expect(isStuck({ taskState: "spawning", updatedAt: "2026-11-21T08:10:00Z" }, now, 600)).toBe(
      true,
    );
    expect(isStuck({ taskState: "spawning", updatedAt: "2026-11-21T08:25:00Z" }, now, 600)).toBe(
      false,
    );
    expect(isStuck({ taskState: null, updatedAt: "2026-11-21T07:00:00Z" }, now, 600)).toBe(false);
  });
});
