import { describe, expect, it } from "vitest";
import { z } from "zod";
import { instanceSchema, type Instance } from "./instance.js";

// The same schema on zod's runtime parser: the compiled one must answer exactly as it does.
const runtime = z.object(instanceSchema.shape);

const flavor = {
  id: "1",
  name: "m1.tiny",
  memoryMb: 512,
  vcpus: 1,
  rootGb: 1,
  ephemeralGb: 0,
  swap: 0,
  extraSpecs: { "hw:cpu_policy": "shared" },
};
const valid: Instance = {
  uuid: "0b9f4a44-3b53-4d6e-9a0e-8a3a4f1f1c11",
  name: "web-1",
  hostname: "web-1",
  description: null,
  projectId: "p1",
  userId: "u1",
  vmState: "active",
  taskState: null,
  powerState: 1,
  host: "compute-1",
  node: "compute-1",
  availabilityZone: "nova",
  flavor,
  oldFlavor: null,
  newFlavor: null,
  imageRef: "7d3c0c6e-6f6b-4e4a-9a39-2d8a1c9b7f10",
  keyName: null,
  metadata: { role: "web" },
  userData: null,
  locked: false,
  lockedReason: null,
  launchIndex: 0,
  reservationId: "r-1",
  progress: 0,
  accessIpV4: null,
  accessIpV6: null,
  serverGroups: [],
  pinnedAvailabilityZone: null,
  imageProperties: { os_distro: "cirros" },
  schedulerHints: { group: ["0b9f4a44-3b53-4d6e-9a0e-8a3a4f1f1c12"], custom: [{ a: [1] }] },
  createdAt: "2026-11-21T10:00:00.000Z",
  updatedAt: "2026-11-21T10:00:00+01:00",
  launchedAt: null,
  terminatedAt: null,
  deletedAt: null,
  fault: { code: 500, message: "boom", details: null, createdAt: "2026-11-21T10:00:00Z" },
};

const variants: [string, Record<string, unknown>][] = [
  ["valid", {}],
  ["an extra key (stripped)", { extra: 1 }],
  ["a bad uuid", { uuid: "nope" }],
  ["a long name", { name: "n".repeat(256) }],
  ["an unknown vm state", { vmState: "flying" }],
  ["a task state", { taskState: "spawning" }],
  ["an unknown power state", { powerState: 2 }],
  ["an empty host", { host: "" }],
  ["a date without zone", { createdAt: "2026-11-21T10:00:00" }],
  ["a Date object", { updatedAt: new Date(0) }],
  ["a fraction progress", { progress: 1.5 }],
  ["progress over 100", { progress: 101 }],
  ["a missing field", { locked: undefined }],
  ["a flavor extra spec that is a number", { flavor: { ...flavor, extraSpecs: { a: 1 } } }],
  ["a resize's flavors", { oldFlavor: flavor, newFlavor: { ...flavor, id: "2" } }],
  ["a bad new flavor", { newFlavor: { ...flavor, vcpus: -1 } }],
  ["an empty metadata key", { metadata: { "": "x" } }],
  ["metadata as an array", { metadata: [] }],
  ["a non-JSON hint", { schedulerHints: { a: [Number.NaN] } }],
  ["a hint that is not a list", { schedulerHints: { a: "x" } }],
  [
    "a __proto__ key in a hint",
    { schedulerHints: JSON.parse('{"a": [{"__proto__": 1, "b": 2}]}') },
  ],
  ["a bad group member", { serverGroups: ["x"] }],
  ["a fault without date", { fault: { code: 1, message: "m", details: null } }],
];

describe("instanceSchema (compiled)", () => {
  it("is compiled: nothing in it needs zod's runtime parser", () => {
    expect(() => z.compile(instanceSchema, { strict: true })).not.toThrow();
  });

  it.each(variants)("answers %s as zod's runtime parser does", (_, change) => {
    const input = { ...valid, ...change };
    const compiled = instanceSchema.safeParse(input);
    const expected = runtime.safeParse(input);
    expect(compiled.success).toBe(expected.success);
    if (compiled.success) expect(compiled.data).toEqual(expected.data);
    else expect(compiled.error?.issues).toEqual(expected.error?.issues);
  });

  it("exercises both answers", () => {
    const outcomes = variants.map(([, c]) => runtime.safeParse({ ...valid, ...c }).success);
    expect(outcomes).toContain(true);
    expect(outcomes).toContain(false);
  });
});
