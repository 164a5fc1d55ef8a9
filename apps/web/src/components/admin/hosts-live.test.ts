import type { Service } from "@nimbus/rpc";
import { describe, expect, it } from "vitest";
import { intOrNull } from "./common";
import { applyServiceEvent } from "./hosts-live";

const service: Service = {
  uuid: "6f1c1d5e-2b7a-4a8e-9a57-0d4f5b1c2e3a",
  id: 1,
  host: "node-1",
  binary: "nova-compute",
  topic: "compute",
  zone: "nova",
  disabled: false,
  disabledReason: null,
  forcedDown: true,
  up: true,
  lastSeenUp: "2026-11-21T10:00:00.000Z",
  createdAt: "2026-11-21T09:00:00.000Z",
  updatedAt: null,
};

describe("applyServiceEvent", () => {
  const event = {
    binary: "nova-compute",
    host: "node-1",
    state: "down" as const,
    status: "disabled" as const,
    disabledReason: "disk replacement",
    lastSeenUp: "2026-11-21T10:01:00.000Z",
  };

  it("takes state, status, reason and heartbeat from the event, and keeps forced down", () => {
    expect(applyServiceEvent(service, event)).toEqual({
      ...service,
      up: false,
      disabled: true,
      disabledReason: "disk replacement",
      lastSeenUp: "2026-11-21T10:01:00.000Z",
    });
  });

  it("leaves another host's or another binary's service alone", () => {
    expect(applyServiceEvent(service, { ...event, host: "node-2" })).toBe(service);
    expect(applyServiceEvent(service, { ...event, binary: "nova-scheduler" })).toBe(service);
  });
});

describe("intOrNull", () => {
  it("reads whole numbers, -1 included, and nothing else", () => {
    expect(intOrNull(" 42 ")).toBe(42);
    expect(intOrNull("-1")).toBe(-1);
    for (const text of ["", "1.5", "ten", "1e3", "--1"]) expect(intOrNull(text)).toBeNull();
  });
});
