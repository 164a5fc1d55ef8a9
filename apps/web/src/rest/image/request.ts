// What clients send the image API, checked as Glance checks it — its image schema, its read-only
// and reserved attributes, its JSON-patch documents, its list parameters — and refused in its words.
import {
  CONTAINER_FORMATS,
  DISK_FORMATS,
  IMAGE_SORT_KEYS,
  IMAGE_STATUSES,
  IMAGE_VISIBILITIES,
  MAX_IMAGE_PROPERTIES,
  MAX_IMAGE_TAGS,
  type ImageFields,
} from "@nimbus/rpc";
import type { ImageChanges, ImageListRequest, NewImage } from "../../services/images";
import { HttpError } from "../errors";

/** Glance's `limit_param_default` and `api_limit_max`. */
export const DEFAULT_PAGE = 25;
export const MAX_PAGE = 1000;

const READ_ONLY = new Set([
  "created_at",
  "updated_at",
  "status",
  "checksum",
  "os_hash_algo",
  "os_hash_value",
  "size",
  "virtual_size",
  "direct_url",
  "self",
  "file",
  "schema",
  "stores",
]);
const RESERVED = new Set(["location", "locations", "deleted", "deleted_at"]);
const RESERVED_PREFIX = "os_glance";

const UUID =
  /^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$/;
const MAX_INT = 2 ** 31 - 1;

type FieldName = keyof ImageFields | "owner";

/** Each core attribute a client may set: its API name, its field, and its check (a reason, or null). */
const CORE: Record<string, { field: FieldName; check: (v: unknown) => string | null }> = {
  name: { field: "name", check: (v) => (v === null ? null : str(v, 255)) },
  visibility: { field: "visibility", check: (v) => oneOf(v, IMAGE_VISIBILITIES) },
  protected: { field: "protected", check: (v) => typed(v, "boolean") },
  min_disk: { field: "minDisk", check: (v) => typed(v, "integer") },
  min_ram: { field: "minRam", check: (v) => typed(v, "integer") },
  disk_format: { field: "diskFormat", check: (v) => (v === null ? null : oneOf(v, DISK_FORMATS)) },
  container_format: {
    field: "containerFormat",
    check: (v) => (v === null ? null : oneOf(v, CONTAINER_FORMATS)),
  },
  tags: {
    field: "tags",
    check: (v) => {
      if (!Array.isArray(v)) return `${repr(v)} is not of type 'array'`;
      for (const t of v) {
        const reason = str(t, 255);
        if (reason) return reason;
      }
      return null;
    },
  },
  owner: { field: "owner", check: (v) => str(v, 32) },
};

function schemaError(reason: string): HttpError {
  return HttpError.badRequest(`Provided object does not match schema 'image': ${reason}`);
}

/** Python's repr of a JSON value, as jsonschema's messages show it. */
function repr(v: unknown): string {
  if (v === null) return "None";
  if (v === true) return "True";
  if (v === false) return "False";
  if (typeof v === "string") return `'${v}'`;
  if (Array.isArray(v)) return `[${v.map(repr).join(", ")}]`;
  if (typeof v === "object") {
    return `{${Object.entries(v as object)
      .map(([k, x]) => `'${k}': ${repr(x)}`)
      .join(", ")}}`;
  }
  return String(v);
}

function typed(v: unknown, type: "boolean" | "integer" | "string"): string | null {
  const ok = type === "integer" ? typeof v === "number" && Number.isInteger(v) : typeof v === type;
  return ok ? null : `${repr(v)} is not of type '${type}'`;
}

function str(v: unknown, max: number): string | null {
  return typed(v, "string") ?? ((v as string).length > max ? `${repr(v)} is too long` : null);
}

function oneOf(v: unknown, values: readonly string[]): string | null {
  return values.includes(v as string) ? null : `${repr(v)} is not one of ${repr([...values])}`;
}

/** Checks one core attribute's value; the field and value to send, or a 400. */
function coreValue(key: string, value: unknown): [FieldName, unknown] {
  const spec = CORE[key]!;
  const reason = spec.check(value);
  if (reason) throw schemaError(reason);
  if (spec.field === "minDisk" || spec.field === "minRam") {
    const n = value as number;
    if (n < 0) {
      throw HttpError.badRequest(
        `Invalid value '${n}' for parameter '${key}': Cannot be a negative value`,
      );
    }
    if (n > MAX_INT) {
      throw HttpError.badRequest(
        `Invalid value '${n}' for parameter '${key}': Must be at most ${MAX_INT}`,
      );
    }
  }
  if (spec.field === "tags") return ["tags", [...new Set(value as string[])]];
  return [spec.field, value];
}

function refuseAttribute(key: string, readOnly: ReadonlySet<string>) {
  if (readOnly.has(key)) throw HttpError.forbidden(`Attribute '${key}' is read-only.`);
  if (RESERVED.has(key) || key.startsWith(RESERVED_PREFIX)) {
    throw HttpError.forbidden(`Attribute '${key}' is reserved.`);
  }
}

function checkHidden(value: unknown) {
  const reason = typed(value, "boolean");
  if (reason) throw schemaError(reason);
  if (value === true) throw HttpError.badRequest("Hidden images (os_hidden) are not supported.");
}

function checkPropertyKey(key: string) {
  if (key.length > 255) {
    throw HttpError.badRequest("Custom property should not be greater than 255 characters.");
  }
}

function checkTagCount(tags: unknown[] | undefined) {
  if (tags && tags.length > MAX_IMAGE_TAGS) {
    throw new HttpError(
      413,
      `The limit has been exceeded on the number of allowed image tags. Attempted: ${tags.length}, Maximum: ${MAX_IMAGE_TAGS}`,
    );
  }
}

/** The body of POST /v2/images. */
export function parseNewImage(body: unknown): NewImage {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw schemaError(`${repr(body)} is not of type 'object'`);
  }
  const fields: Record<string, unknown> = {};
  const properties: Record<string, string> = {};
  let id: string | undefined;
  let owner: string | undefined;
  for (const [key, value] of Object.entries(body)) {
    refuseAttribute(key, READ_ONLY);
    if (key === "id") {
      const reason =
        str(value, 36) ??
        (UUID.test(value as string) ? null : `${repr(value)} does not match '${UUID.source}'`);
      if (reason) throw schemaError(reason);
      id = (value as string).toLowerCase();
    } else if (key === "os_hidden") {
      checkHidden(value);
    } else if (key in CORE) {
      const [field, v] = coreValue(key, value);
      if (field === "owner") owner = v as string;
      else fields[field] = v;
    } else {
      checkPropertyKey(key);
      const reason = typed(value, "string");
      if (reason) throw schemaError(reason);
      properties[key] = value as string;
    }
  }
  checkTagCount(fields.tags as string[] | undefined);
  const count = Object.keys(properties).length;
  if (count > MAX_IMAGE_PROPERTIES) {
    throw new HttpError(
      413,
      `The limit has been exceeded on the number of allowed image properties. Attempted: ${count}, Maximum: ${MAX_IMAGE_PROPERTIES}`,
    );
  }
  return { id, owner, fields: fields as ImageFields, properties };
}

const PATCH_TYPES: Record<string, 4 | 10> = {
  "application/openstack-images-v2.0-json-patch": 4,
  "application/openstack-images-v2.1-json-patch": 10,
};
const OPS = ["add", "remove", "replace"] as const;
type Op = (typeof OPS)[number];

/** The media type of a PATCH, or a 415 naming the two Glance takes. */
export function patchDraft(contentType: string | undefined): 4 | 10 {
  const type = contentType?.split(";")[0]?.trim().toLowerCase() ?? "";
  const draft = PATCH_TYPES[type];
  if (draft) return draft;
  const allowed = Object.keys(PATCH_TYPES).sort().join(", ");
  throw new HttpError(415, `Image PATCH expects Content-Type one of: ${allowed}`, {
    "Accept-Patch": allowed,
  });
}

/** A JSON pointer's tokens, with Glance's restrictions on its form. */
function decodePointer(pointer: unknown): string[] {
  if (typeof pointer !== "string") throw HttpError.badRequest("Pointer must be a string.");
  const bad = (why: string) => HttpError.badRequest(`Pointer \`${pointer}\` ${why}`);
  if (!pointer.startsWith("/")) throw bad('does not start with "/".');
  if (/\/\s*?\//.test(pointer.slice(1))) throw bad('contains adjacent "/".');
  if (pointer.length > 1 && pointer.endsWith("/")) throw bad('end with "/".');
  if (pointer.slice(1).trim() === "/") throw bad("does not contains valid token.");
  if (/~[^01]/.test(pointer) || pointer.endsWith("~")) {
    throw bad('contains "~" not part of a recognized escape sequence.');
  }
  return pointer
    .replace(/^\/+/, "")
    .split("/")
    .map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~").trim());
}

/** A PATCH body (JSON already parsed) as the changes the conductor applies. */
export function parsePatch(body: unknown, draft: 4 | 10): ImageChanges {
  if (!Array.isArray(body)) {
    throw HttpError.badRequest("Request body must be a JSON array of operation objects.");
  }
  const fields: Record<string, unknown> = {};
  const properties: ImageChanges["properties"] = [];
  for (const raw of body as unknown[]) {
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
      throw HttpError.badRequest("Operations must be JSON objects.");
    }
    const change = raw as Record<string, unknown>;
    let op: Op;
    let pointer: unknown;
    if (draft === 10) {
      const available = OPS.join(", ");
      if (change.op === undefined) {
        throw HttpError.badRequest(
          `Unable to find \`op\` in JSON Schema change. It must be one of the following: ${available}.`,
        );
      }
      if (!OPS.includes(change.op as Op)) {
        throw HttpError.badRequest(
          `Invalid operation: \`${String(change.op)}\`. It must be one of the following: ${available}.`,
        );
      }
      op = change.op as Op;
      if (!("path" in change))
        throw HttpError.badRequest("Unable to find 'path' in JSON Schema change");
      pointer = change.path;
    } else {
      const present = OPS.filter((o) => o in change);
      if (present.length !== 1) {
        throw HttpError.badRequest(
          'Operation objects must contain exactly one member named "add", "remove", or "replace".',
        );
      }
      op = present[0]!;
      pointer = change[op];
    }
    const path = decodePointer(pointer);
    const root = path[0]!;
    if (path.length !== 1 && root !== "locations") {
      throw HttpError.badRequest(`Invalid JSON pointer for this resource: '/${path.join("/")}'`);
    }
    if (op !== "remove" && !("value" in change)) {
      throw HttpError.badRequest(`Operation "${op}" requires a member named "value".`);
    }
    refuseAttribute(root, new Set([...READ_ONLY, "id"]));
    const value = change.value;
    if (root === "os_hidden") {
      if (op === "remove") throw HttpError.forbidden("Property os_hidden may not be removed.");
      checkHidden(value);
    } else if (root in CORE) {
      if (op === "remove") throw HttpError.forbidden(`Property ${root} may not be removed.`);
      const [field, v] = coreValue(root, value);
      fields[field] = v;
    } else {
      checkPropertyKey(root);
      if (op === "remove") {
        properties.push({ op, key: root });
      } else {
        const reason = typed(value, "string");
        if (reason) throw schemaError(reason);
        properties.push({ op, key: root, value: value as string });
      }
    }
  }
  checkTagCount(fields.tags as string[] | undefined);
  return { fields: fields as ImageChanges["fields"], properties };
}

// ─── GET /v2/images ─────────────────────────────────────────────────────────────────────────

const COMPARISONS = ["eq", "neq", "gt", "gte", "lt", "lte"] as const;
type Comparison = (typeof COMPARISONS)[number];
/** Parameters that are not filters on a property. */
const KNOWN = new Set([
  "limit",
  "marker",
  "sort",
  "sort_key",
  "sort_dir",
  "member_status",
  "tag",
  "visibility",
  "id",
  "name",
  "status",
  "disk_format",
  "container_format",
  "owner",
  "protected",
  "os_hidden",
  "size_min",
  "size_max",
  "created_at",
  "updated_at",
  "changes-since",
  "checksum",
  "os_hash_value",
]);

export interface ImageListQuery {
  request: ImageListRequest;
  /** nothing can match (os_hidden=true, an owner that is no project id): answer an empty page */
  empty: boolean;
}

/** Glance's `op:value` syntax: `in:` for lists (quoted items may hold commas), else equality. */
function listOrEqual(expr: string): string[] {
  const sep = expr.indexOf(":");
  if (sep === -1) return [expr];
  const op = expr.slice(0, sep);
  if (op === "eq") return [expr.slice(sep + 1)];
  if (op !== "in") throw HttpError.badRequest(`Unable to filter by unknown operator '${op}'.`);
  const items: string[] = [];
  for (const m of expr.slice(sep + 1).matchAll(/"((?:[^"\\]|\\.)*)",?|([^,]+),?|,/g)) {
    items.push((m[1] ?? m[2] ?? "").replace(/\\(.)/g, "$1"));
  }
  return items;
}

function timeFilter(name: string, expr: string): { op: Comparison; at: string } {
  const bad = () =>
    HttpError.badRequest(`Bad "${name}" query filter format. Use ISO 8601 DateTime notation.`);
  let op: string = "eq";
  let value = expr;
  // An ISO time has colons of its own: only a known operator before the first one is an operator.
  const sep = expr.indexOf(":");
  if (sep !== -1 && COMPARISONS.includes(expr.slice(0, sep) as Comparison)) {
    op = expr.slice(0, sep);
    value = expr.slice(sep + 1);
  } else if (sep !== -1 && Number.isNaN(Date.parse(expr))) {
    throw HttpError.badRequest("Unable to filter on a unknown operator.");
  }
  const at = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`);
  if (!/^\d{4}-\d\d-\d\d/.test(value) || Number.isNaN(at)) throw bad();
  return { op: op as Comparison, at: new Date(at).toISOString() };
}

function boolFilter(name: string, value: string): boolean {
  if (value !== "true" && value !== "false") {
    throw HttpError.badRequest(
      `Invalid value '${value}' for '${name}' filter. Valid values are 'true' or 'false'.`,
    );
  }
  return value === "true";
}

function intParam(value: string, message: string): number {
  if (!/^[+-]?\d+$/.test(value.trim())) throw HttpError.badRequest(message);
  return Number(value);
}

/** Keeps known values only: an unknown status or format matches nothing, as in Glance. */
const known = <T extends string>(values: string[], allowed: readonly T[]) =>
  values.filter((v): v is T => (allowed as readonly string[]).includes(v));

export function parseListQuery(queries: Record<string, string[]>): ImageListQuery {
  const one = (name: string) => queries[name]?.at(-1);
  const filters: ImageListRequest["filters"] = {};
  let empty = false;

  const limitParam = one("limit");
  let limit = DEFAULT_PAGE;
  if (limitParam !== undefined) {
    limit = intParam(limitParam, "limit param must be an integer");
    if (limit < 0) throw HttpError.badRequest("limit param must be positive");
  }

  const memberStatus = one("member_status");
  if (
    memberStatus !== undefined &&
    !["pending", "accepted", "rejected", "all"].includes(memberStatus)
  ) {
    throw HttpError.badRequest(`Invalid status: ${memberStatus}`);
  }
  if (one("changes-since") !== undefined) {
    throw HttpError.badRequest('The "changes-since" filter is no longer available on v2.');
  }

  const visibility = one("visibility");
  if (visibility !== undefined) {
    if (![...IMAGE_VISIBILITIES, "all"].includes(visibility)) {
      throw HttpError.badRequest(`Invalid visibility value: ${visibility}`);
    }
    filters.visibility = visibility as NonNullable<typeof filters.visibility>;
  }

  const id = one("id");
  if (id !== undefined) filters.ids = listOrEqual(id).filter((v) => v.length <= 255);
  const name = one("name");
  if (name !== undefined) filters.names = listOrEqual(name).filter((v) => v.length <= 255);
  const status = one("status");
  if (status !== undefined) filters.statuses = known(listOrEqual(status), IMAGE_STATUSES);
  const diskFormat = one("disk_format");
  if (diskFormat !== undefined) {
    filters.diskFormats = known(listOrEqual(diskFormat), DISK_FORMATS);
  }
  const containerFormat = one("container_format");
  if (containerFormat !== undefined) {
    filters.containerFormats = known(listOrEqual(containerFormat), CONTAINER_FORMATS);
  }

  const owner = one("owner");
  if (owner !== undefined) {
    if (owner.length > 32) empty = true;
    else filters.owner = owner;
  }
  if (queries.tag) filters.tags = queries.tag.map((t) => t.trim());
  const isProtected = one("protected");
  if (isProtected !== undefined) filters.protected = boolFilter("protected", isProtected);
  const hidden = one("os_hidden");
  if (hidden !== undefined && boolFilter("os_hidden", hidden.toLowerCase())) empty = true;
  for (const [param, key] of [
    ["size_min", "sizeMin"],
    ["size_max", "sizeMax"],
  ] as const) {
    const v = one(param);
    if (v !== undefined) {
      filters[key] = intParam(v, "Unable to filter on a range with a non-numeric value.");
    }
  }
  for (const [param, key] of [
    ["created_at", "createdAt"],
    ["updated_at", "updatedAt"],
  ] as const) {
    const v = one(param);
    if (v !== undefined) filters[key] = timeFilter(param, v);
  }
  const checksum = one("checksum");
  if (checksum !== undefined) filters.checksum = checksum;
  const osHashValue = one("os_hash_value");
  if (osHashValue !== undefined) filters.osHashValue = osHashValue;

  const properties: Record<string, string> = {};
  for (const [key, values] of Object.entries(queries)) {
    if (!KNOWN.has(key) && values.length > 0) properties[key] = values.at(-1)!;
  }
  if (Object.keys(properties).length > 0) filters.properties = properties;

  const marker = one("marker");
  return {
    request: {
      filters,
      sort: sortParams(queries),
      limit: Math.min(limit, MAX_PAGE),
      ...(marker !== undefined && { marker }),
    },
    empty,
  };
}

type SortKey = (typeof IMAGE_SORT_KEYS)[number];
const MAX_SORT_KEYS = 8;

function sortKey(key: string): SortKey {
  if (!(IMAGE_SORT_KEYS as readonly string[]).includes(key)) {
    throw HttpError.badRequest(
      `Invalid sort key: ${key}. It must be one of the following: ${IMAGE_SORT_KEYS.join(", ")}.`,
    );
  }
  return key as SortKey;
}

function sortDir(dir: string): "asc" | "desc" {
  if (dir !== "asc" && dir !== "desc") throw HttpError.badRequest(`Invalid sort direction: ${dir}`);
  return dir;
}

/** Glance's two syntaxes: `sort=name:asc,size` or `sort_key=name&sort_dir=asc` (repeatable). */
function sortParams(queries: Record<string, string[]>): ImageListRequest["sort"] {
  const sort = queries.sort;
  const keys = queries.sort_key ?? [];
  const dirs = queries.sort_dir ?? [];
  if (Math.max(keys.length, sort?.at(-1)?.split(",").length ?? 0) > MAX_SORT_KEYS) {
    throw HttpError.badRequest(`At most ${MAX_SORT_KEYS} sort keys are supported.`);
  }
  if (sort) {
    if (keys.length > 0 || dirs.length > 0) {
      throw HttpError.badRequest("Old and new sorting syntax cannot be combined");
    }
    return sort
      .at(-1)!
      .trim()
      .split(",")
      .map((part) => {
        const [key = "", dir = "desc"] = part.split(":");
        return { key: sortKey(key.trim()), dir: sortDir(dir.trim() || "desc") };
      });
  }
  if (dirs.length > 1 && dirs.length !== keys.length) {
    throw HttpError.badRequest("Number of sort dirs does not match the number of sort keys");
  }
  const checkedDirs = dirs.map((d) => sortDir(d.trim()));
  return keys.map((k, n) => ({
    key: sortKey(k.trim()),
    dir: checkedDirs.length > 1 ? checkedDirs[n]! : (checkedDirs[0] ?? "desc"),
  }));
}
