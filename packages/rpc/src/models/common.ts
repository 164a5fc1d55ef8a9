// Small schemas reused by many contracts.
import { z } from "zod";
import type { JsonValue } from "../errors.js";

export const isoDate = z.iso.datetime({ offset: true });
export const hostName = z.string().min(1).max(255);
/** Keystone ids are 32 hex chars; noauth2 test tokens may name any string that fits the same column. */
export const projectId = z.string().min(1).max(32);
export const userId = z.string().min(1).max(32);
export const metadataMap = z.record(z.string().min(1).max(255), z.string().max(255));
export const pageRequest = {
  limit: z.number().int().min(0).max(1000).optional(),
  /** the id of the last item of the previous page */
  marker: z.string().min(1).max(255).optional(),
};
/** What `z.json()` accepts: finite numbers, and plain objects and arrays of JSON all the way down. */
export function isJsonValue(value: unknown): value is JsonValue {
  if (value === null || typeof value === "string" || typeof value === "boolean") return true;
  if (typeof value === "number") return Number.isFinite(value);
  if (Array.isArray(value)) {
    // an index loop, not every(): a hole is undefined, which is not JSON
    for (let i = 0; i < value.length; i++) if (!isJsonValue(value[i])) return false;
    return true;
  }
  if (typeof value !== "object") return false;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  for (const v of Object.values(value)) if (!isJsonValue(v)) return false;
  return true;
}

/** The value without `__proto__` keys (as z.json() outputs it); itself when it has none. */
function withoutProtoKeys(value: JsonValue): JsonValue {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) {
    const items = value.map(withoutProtoKeys);
    return items.every((v, i) => v === value[i]) ? value : items;
  }
  let changed = Object.hasOwn(value, "__proto__");
  const entries = Object.entries(value)
    .filter(([k]) => k !== "__proto__")
    .map(([k, v]) => {
      const w = withoutProtoKeys(v);
      changed ||= w !== v;
      return [k, w] as const;
    });
  return changed ? Object.fromEntries(entries) : value;
}

/**
 * Any JSON value, exactly as `z.json()` takes it. Not `z.json()` itself: that one is recursive (a
 * lazy union), and a schema with a cycle cannot be compiled (`z.compile`, see instance.ts).
 */
export const jsonValue = z
  .unknown()
  .refine(isJsonValue, "Invalid JSON value")
  .overwrite((v) => withoutProtoKeys(v as JsonValue))
  .meta({ description: "any JSON value" }) as unknown as z.ZodType<JsonValue>;

/**
 * Scheduler hints as Nova's request spec keeps them: every value a list (`{"group": ["<uuid>"]}`).
 * Hints no filter here reads are kept and shown, and otherwise ignored, as in Nova.
 */
export const schedulerHintsSchema = z.record(
  z.string().min(1).max(255),
  z.array(jsonValue).max(1000),
);
