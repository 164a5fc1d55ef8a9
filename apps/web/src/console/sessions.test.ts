import { describe, expect, it } from "vitest";
import { SessionRegistry, type Session } from "./sessions";

const session = (tokenHash: string, instanceUuid = "i-1"): Session => ({
  tokenHash,
  instanceUuid,
  close: () => undefined,
});

describe("SessionRegistry", () => {
  it("admits at most the limit of sessions per token, and one more once one ends", () => {
    const registry = new SessionRegistry(2);
    const [a, b, c] = [session("t1"), session("t1"), session("t1")];
    expect(registry.admit(a)).toBe(true);
    expect(registry.admit(b)).toBe(true);
    expect(registry.admit(c)).toBe(false);
    expect(registry.size).toBe(2);
    registry.remove(a);
    expect(registry.admit(c)).toBe(true);
  });

  it("counts each token on its own", () => {
    const registry = new SessionRegistry(1);
    expect(registry.admit(session("t1"))).toBe(true);
    expect(registry.admit(session("t2"))).toBe(true);
    expect(registry.admit(session("t1"))).toBe(false);
  });

  it("finds an instance's sessions, whatever their token, and forgets removed ones", () => {
    const registry = new SessionRegistry(5);
    const a = session("t1", "i-1");
    const b = session("t2", "i-1");
    const other = session("t3", "i-2");
    for (const s of [a, b, other]) registry.admit(s);
    expect(registry.ofInstance("i-1")).toEqual([a, b]);
    registry.remove(a);
    registry.remove(a); // twice is harmless
    expect(registry.ofInstance("i-1")).toEqual([b]);
    expect(registry.ofInstance("i-3")).toEqual([]);
    expect(registry.all()).toEqual([b, other]);
  });
});
