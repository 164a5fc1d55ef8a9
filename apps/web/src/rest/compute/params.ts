// Value types of Nova's request schemas (nova/api/validation/parameter_types.py) as zod schemas,
// and the query-string value parsers the compute resources share.
import { z } from "zod";
import { HttpError } from "../errors";

const UUID = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{32})$/i;

/** Nova's uuid format (uuidutils.is_uuid_like): any case, dashes optional. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** A uuid-like value in its canonical form (lower case, dashed). */
export function canonicalUuid(value: string): string {
  const hex = value.replace(/-/g, "").toLowerCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const uuidParam = z
  .string()
  .refine(isUuid, { error: (iss) => `'${String(iss.input)}' is not a 'uuid'` })
  .transform(canonicalUuid);

// Printable means not a control/format/unassigned character and no separator but a plain space.
const NAME = /^(?:[^\p{C}\p{Z}](?:[^\p{C}\p{Zl}\p{Zp}]*[^\p{C}\p{Z}])?)$/u;
const PRINTABLE = /^[^\p{C}\p{Zl}\p{Zp}]*$/u;

/** parameter_types.name: 1–255 printable characters, no leading or trailing whitespace (≥ 2.1). */
export const nameParam = z.string().min(1).max(255).regex(NAME, {
  error:
    "An invalid 'name' value was provided. The name must be: printable characters. Can not start or end with whitespace.",
});

/** parameter_types.description: up to 255 printable characters, or null. */
export const descriptionParam = z
  .string()
  .max(255)
  .regex(PRINTABLE, { error: "An invalid 'description' value was provided." })
  .nullable();

/** parameter_types.hostname (2.90–2.93): an RFC 1123 label. */
export const hostnameParam = z
  .string()
  .min(2)
  .max(63)
  .regex(/^[a-zA-Z0-9]+[a-zA-Z0-9-]*[a-zA-Z0-9]+$/);

/** parameter_types.fqdn (hostname from 2.94, service host). */
export const fqdnParam = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[a-zA-Z0-9-._]*$/);

const spellings = (words: string[]) =>
  words.flatMap((w) => [w, w.toUpperCase(), w[0]?.toUpperCase() + w.slice(1)]);
const TRUE_STRINGS = new Set(["1", ...spellings(["true", "on", "yes"])]);
const FALSE_STRINGS = new Set(["0", ...spellings(["false", "off", "no"])]);

/** parameter_types.boolean: a JSON boolean or one of its spellings ("True", "1", "YES", "off"…). */
export const booleanParam = z
  .union([
    z.boolean(),
    z.string().refine((s) => TRUE_STRINGS.has(s) || FALSE_STRINGS.has(s), {
      error: (iss) => `'${String(iss.input)}' is not a valid boolean`,
    }),
  ])
  .transform((v) => (typeof v === "boolean" ? v : TRUE_STRINGS.has(v)));

/** parameter_types.positive_integer: an integer or a string of digits, at least 1. */
export const positiveIntegerParam = z
  .union([z.number().int(), z.string().regex(/^[0-9]+$/)])
  .transform(Number)
  .pipe(z.number().int().min(1));

/** parameter_types.flavor_ref: a non-empty string or an integer. */
export const flavorRefParam = z
  .union([z.string().min(1), z.number().int()])
  .transform((v) => String(v));

/** parameter_types.metadata: keys of letters, digits and `-_:. `, string values up to 255. */
export const metadataParam = z.record(
  z.string().regex(/^[a-zA-Z0-9\-_:. ]{1,255}$/, {
    error: "Additional properties are not allowed",
  }),
  z.string().max(255),
);

// An ISO 8601 date, optionally with a time and a zone, as oslo's parse_isotime takes it.
const ISO_8601 = /^(\d{4}-\d\d-\d\d)(?:[T ](\d\d:\d\d(?::\d\d(?:\.\d+)?)?))?(Z|[+-]\d\d:?\d\d)?$/i;

/** A date-time query value as an ISO instant (UTC when it names no zone, as Nova takes it). */
export function isoInstant(value: string, name: string): string {
  const m = ISO_8601.exec(value.trim());
  let ms = Number.NaN;
  if (m) {
    const [, date, time = "00:00", zone = "Z"] = m;
    const offset = zone.toUpperCase() === "Z" ? "Z" : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
    ms = Date.parse(`${date}T${time}${offset}`);
  }
  if (Number.isNaN(ms)) {
    throw HttpError.badRequest(
      `Invalid input for query parameters ${name}. Value: ${value}. '${value}' is not a 'date-time'`,
    );
  }
  return new Date(ms).toISOString();
}

/** oslo's bool_from_string(strict=True): a recognised spelling or a 400. */
export function parseStrictBool(value: string, name: string): boolean {
  const v = value.trim().toLowerCase();
  if (["1", "t", "true", "on", "y", "yes"].includes(v)) return true;
  if (["0", "f", "false", "off", "n", "no"].includes(v)) return false;
  throw HttpError.badRequest(
    `Invalid value '${value}' for ${name}: acceptable values are 'True', 'False', '1', '0', 'yes', 'no', 'on', 'off'.`,
  );
}
