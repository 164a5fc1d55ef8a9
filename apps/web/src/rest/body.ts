// Reading and validating request input. Every handler goes through `parseBody` / `parseQuery`, so a
// bad request gets one Nova-like 400 ("Invalid input for field/attribute name. Value: ... ...").
import type { z } from "zod";
import { HttpError } from "./errors";

const JSON_TYPES = new Set(["application/json", "application/vnd.openstack.compute+json"]);

interface BodySource {
  req: { header(name: string): string | undefined; text(): Promise<string> };
}

/** The request body as a JSON object; an empty body is `{}` so the schema can name what is missing. */
export async function readJsonObject(c: BodySource): Promise<Record<string, unknown>> {
  // As Nova: no type and text/plain are read as JSON, any other non-JSON type is refused.
  const type = c.req.header("content-type")?.split(";")[0]?.trim().toLowerCase();
  if (type && type !== "text/plain" && !JSON_TYPES.has(type)) {
    throw new HttpError(415, "Unsupported Content-Type");
  }
  const text = await c.req.text();
  if (text.trim() === "") return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw HttpError.badRequest("Malformed request body");
  }
  if (!isPlainObject(body)) throw HttpError.badRequest("Malformed request body");
  return body;
}

/** Read the JSON body and validate it; the schema's output is what the handler works with. */
export async function parseBody<S extends z.ZodType>(
  c: BodySource,
  schema: S,
): Promise<z.output<S>> {
  return validateBody(schema, await readJsonObject(c));
}

export function validateBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  throw HttpError.badRequest(describeIssue(result.error.issues, body, "field/attribute"));
}

interface QuerySource {
  req: { queries(): Record<string, string[]> };
}

/** Validate the query string; a parameter given once is a string, repeated it is an array. */
export function parseQuery<S extends z.ZodType>(c: QuerySource, schema: S): z.output<S> {
  const query = queryObject(c.req.queries());
  const result = schema.safeParse(query);
  if (result.success) return result.data;
  throw HttpError.badRequest(describeIssue(result.error.issues, query, "query parameters"));
}

export function queryObject(queries: Record<string, string[]>): Record<string, string | string[]> {
  return Object.fromEntries(
    Object.entries(queries).map(([k, v]) => [k, v.length === 1 ? (v[0] as string) : v]),
  );
}

/**
 * Nova reports the first schema error, named by the last key of its path, with the offending value.
 * Missing keys and unknown keys are reported on their parent object, worded as jsonschema does.
 */
export function describeIssue(
  issues: readonly z.core.$ZodIssue[],
  input: unknown,
  where: string,
): string {
  const issue = issues[0];
  if (!issue) return "Invalid input.";
  let path = issue.path;
  let message = issue.message;
  const value = valueAt(input, path);

  if (issue.code === "unrecognized_keys") {
    const keys = issue.keys.map((k) => `'${k}'`).join(", ");
    message = `Additional properties are not allowed (${keys} ${issue.keys.length === 1 ? "was" : "were"} unexpected)`;
  } else if (value === undefined && path.length > 0) {
    const parent = valueAt(input, path.slice(0, -1));
    const key = path.at(-1);
    if (isPlainObject(parent) && typeof key === "string" && !(key in parent)) {
      message = `'${key}' is a required property`;
      path = path.slice(0, -1);
    }
  }

  // For a query, the parameter is the first path element (the rest indexes a repeated one).
  const name =
    where === "query parameters" ? path[0] : [...path].reverse().find((p) => typeof p === "string");
  if (path.length === 0 || name === undefined) return message;
  return `Invalid input for ${where} ${String(name)}. Value: ${formatValue(valueAt(input, path))}. ${message}`;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v = input;
  for (const key of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

function formatValue(v: unknown): string {
  if (typeof v === "string") return v;
  if (v === undefined) return "None";
  return JSON.stringify(v);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
