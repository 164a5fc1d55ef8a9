import type { UsageInstance } from "@nimbus/rpc";
import { describe, expect, it } from "vitest";
import { byProject, serverUsage } from "./summary";
import { periodWindow } from "./usage.schema";

const now = new Date("2026-11-21T12:00:00Z");
const server = (over: Partial<UsageInstance> = {}): UsageInstance => ({
  uuid: "6f1c3a52-1d3e-4c55-9a4e-0a1b2c3d4e5f",
  name: "web",
  projectId: "p1",
  flavorName: "m1.small",
  vcpus: 2,
  memoryMb: 2048,
  rootGb: 20,
  ephemeralGb: 5,
  vmState: "active",
  launchedAt: "2026-11-21T06:00:00.000Z",
  terminatedAt: null,
  ...over,
});

describe("usage summary", () => {
  it("counts a server's hours in the window, and each resource by them", () => {
    const { start, end } = periodWindow("24h", now);
    expect(start.toISOString()).toBe("2026-11-20T12:00:00.000Z");
    expect(serverUsage(server(), start, end)).toMatchObject({
      instanceHours: 6,
      vcpuHours: 12,
      ramGbHours: 12,
      diskGbHours: 150,
      diskGb: 25,
      state: "active",
    });
  });

  it("clips to the window and calls a deleted server terminated", () => {
    const { start, end } = periodWindow("24h", now);
    const u = serverUsage(
      server({ launchedAt: "2026-11-01T00:00:00.000Z", terminatedAt: "2026-11-20T18:00:00.000Z" }),
      start,
      end,
    );
    expect(u.instanceHours).toBe(6);
    expect(u.state).toBe("terminated");
  });

  it("sums per project", () => {
    const { start, end } = periodWindow("7d", now);
    const totals = byProject(
      [server(), server({ projectId: "p2" }), server({ vcpus: 1 })],
      start,
      end,
    );
    expect(totals.get("p1")).toEqual({
      instanceHours: 12,
      vcpuHours: 18,
      ramGbHours: 24,
      diskGbHours: 300,
      servers: 2,
    });
    expect(totals.get("p2")?.servers).toBe(1);
  });
});
