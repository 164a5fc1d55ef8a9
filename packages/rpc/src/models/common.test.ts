import { describe, expect, it } from "vitest";
import { z } from "zod";
import { isJsonValue, schedulerHintsSchema } from "./common.js";

// What the hints were before (z.json() values): the schema they replace must accept and reject the
// same inputs.
const previousHints = z.record(z.string().min(1).max(255), z.array(z.json()).max(1000));

const jsonValues: unknown[] = [
  null,
  "",
  "x",
  0,
  -1.5,
  true,
  false,
  [],
  [1, "a", null, [true, { b: [] }]],
  {},
  { a: { b: { c: [1, 2, { d: null }] } } },
  JSON.parse('{"__proto__": "x"}'),
  Object.create(null),
];
const notJson: unknown[] = [
  undefined,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  10n,
  Symbol("s"),
  () => 1,
  new Date(0),
  new Map(),
  [undefined],
  // holes: an array with a length and no elements
  new Array<unknown>(2),
  { a: undefined },
  { a: { b: [Number.NaN] } },
  [{ a: new Date(0) }],
];

describe("isJsonValue", () => {
  it("accepts what z.json() accepts and rejects what it rejects", () => {
    for (const value of [...jsonValues, ...notJson]) {
      expect([value, isJsonValue(value)]).toEqual([value, z.json().safeParse(value).success]);
    }
    // the lists above must exercise both answers, or the comparison proves nothing
    expect(jsonValues.every(isJsonValue)).toBe(true);
    expect(notJson.some(isJsonValue)).toBe(false);
  });
});

describe("schedulerHintsSchema", () => {
  it("accepts and rejects the same hints as the z.json() version, with the same output", () => {
    const cases: unknown[] = [
      {},
      { group: ["0b9f4a44-3b53-4d6e-9a0e-8a3a4f1f1c11"] },
      { query: ['[">=", "$free_ram_mb", 1024]'], different_host: ["a", "b"] },
      { custom: [{ nested: [1, null, true] }] },
      ...jsonValues.map((v) => ({ any: [v] })),
      ...notJson.map((v) => ({ any: [v] })),
      { "": ["empty key"] },
      { ["k".repeat(256)]: ["long key"] },
      { tooMany: Array.from({ length: 1001 }, () => 1) },
      { notAList: "x" },
      [],
      null,
    ];
    for (const input of cases) {
      const before = previousHints.safeParse(input);
      const now = schedulerHintsSchema.safeParse(input);
      expect([input, now.success]).toEqual([input, before.success]);
      if (now.success && before.success) expect(now.data).toEqual(before.data);
    }
  });
});
