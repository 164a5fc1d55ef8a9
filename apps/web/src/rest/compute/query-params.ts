// The query strings of the smaller compute resources: known parameters only (from 2.75, when Nova
// turned additionalProperties off), a repeated parameter taking its first value, as Nova's
// multi_params do.
import { HttpError } from "../errors";
import type { Microversion } from "../microversion";

export function queryParams(
  queries: Record<string, string[]>,
  known: readonly string[],
  version: Microversion,
  strictFrom: "2.75" | "2.102" = "2.75",
): Record<string, string> {
  const out: Record<string, string> = {};
  const unknown: string[] = [];
  for (const [name, values] of Object.entries(queries)) {
    if (known.includes(name)) out[name] = values[0] ?? "";
    else unknown.push(name);
  }
  if (unknown.length > 0 && version.atLeast(strictFrom)) {
    const keys = unknown.map((k) => `'${k}'`).join(", ");
    throw HttpError.badRequest(
      `Invalid input for query parameters ${unknown[0]}. Additional properties are not allowed (${keys} ${unknown.length === 1 ? "was" : "were"} unexpected)`,
    );
  }
  return out;
}

/** A non-negative integer query value (Nova's non_negative_integer), or a 400 naming it. */
export function nonNegativeInt(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[0-9]+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw HttpError.badRequest(
      `Invalid input for query parameters ${name}. Value: ${value}. '${value}' does not match '^[0-9]*$'`,
    );
  }
  return Number(value);
}
