// GET /servers and /servers/detail query parameters, handled as nova/api/openstack/compute/servers.py
// does: which filters a non-admin may use (others are silently dropped), which are refused, how
// status, deleted, all_tenants and the sort parameters combine, per microversion.
import { SERVER_SORT_KEYS } from "@nimbus/rpc";
import {
  allowed,
  statesFromStatus,
  VM_STATES,
  type Credentials,
  type VmState,
} from "@nimbus/rpc/domain";
import type { ListServersInput, ServerListRequest } from "../../services/servers";
import { HttpError } from "../errors";
import type { Microversion } from "../microversion";
import { parsePage } from "../pagination";
import { isoInstant, isUuid, parseStrictBool } from "./params";

/** The parameters Nova's query schema knows (index_query and its later versions). */
const KNOWN = [
  "user_id",
  "project_id",
  "tenant_id",
  "launch_index",
  "image_ref",
  "image",
  "kernel_id",
  "ramdisk_id",
  "hostname",
  "key_name",
  "power_state",
  "vm_state",
  "task_state",
  "host",
  "node",
  "flavor",
  "reservation_id",
  "launched_at",
  "terminated_at",
  "availability_zone",
  "name",
  "display_name",
  "description",
  "display_description",
  "locked_by",
  "uuid",
  "root_device_name",
  "config_drive",
  "access_ip_v4",
  "access_ip_v6",
  "auto_disk_config",
  "progress",
  "sort_key",
  "sort_dir",
  "all_tenants",
  "soft_deleted",
  "deleted",
  "status",
  "changes-since",
  "ip",
  "ip6",
  "created_at",
  "limit",
  "marker",
];
/** Filters on other tables: refused (for whoever may use arbitrary filters). */
const JOINED = [
  "block_device_mapping",
  "services",
  "metadata",
  "system_metadata",
  "info_cache",
  "security_groups",
  "pci_devices",
];
const TAGS = ["tags", "tags-any", "not-tags", "not-tags-any"];

/** Nova filters with no column or meaning here: refused rather than ignored, never a wrong list. */
const UNSUPPORTED = [
  "description",
  "display_description",
  "key_name",
  "hostname",
  "power_state",
  "task_state",
  "launch_index",
  "kernel_id",
  "ramdisk_id",
  "root_device_name",
  "config_drive",
  "access_ip_v4",
  "access_ip_v6",
  "auto_disk_config",
  "progress",
  "launched_at",
  "terminated_at",
  "created_at",
  "locked_by",
];

/** Valid sort keys Nova ignores (SERVER_LIST_IGNORE_SORT_KEY). */
const IGNORED_SORT_KEYS = [
  "architecture",
  "cell_name",
  "cleaned",
  "default_ephemeral_device",
  "default_swap_device",
  "deleted",
  "deleted_at",
  "disable_terminate",
  "ephemeral_gb",
  "ephemeral_key_uuid",
  "id",
  "key_data",
  "launched_on",
  "locked",
  "memory_mb",
  "os_type",
  "reservation_id",
  "root_gb",
  "shutdown_terminate",
  "user_data",
  "vcpus",
  "vm_mode",
];
const SORT_KEYS = [
  "access_ip_v4",
  "access_ip_v6",
  "auto_disk_config",
  "availability_zone",
  "config_drive",
  "created_at",
  "display_description",
  "display_name",
  "host",
  "hostname",
  "image_ref",
  "instance_type_id",
  "kernel_id",
  "key_name",
  "launch_index",
  "launched_at",
  "locked_by",
  "node",
  "power_state",
  "progress",
  "project_id",
  "ramdisk_id",
  "root_device_name",
  "task_state",
  "terminated_at",
  "updated_at",
  "user_id",
  "uuid",
  "vm_state",
];
const COLUMN_SORT_KEYS = new Set<string>(SERVER_SORT_KEYS);

/** What a non-admin may filter by (Nova's _get_server_search_options). */
function userFilters(v: Microversion): Set<string> {
  const names = ["reservation_id", "name", "status", "image", "flavor", "ip", "changes-since"];
  names.push("all_tenants");
  if (v.atLeast("2.5")) names.push("ip6");
  if (v.atLeast("2.26")) names.push(...TAGS);
  if (v.atLeast("2.66")) names.push("changes-before");
  if (v.atLeast("2.73")) names.push("locked");
  if (v.atLeast("2.83")) {
    names.push(
      ...[
        "availability_zone",
        "config_drive",
        "key_name",
        "created_at",
        "launched_at",
        "terminated_at",
        "power_state",
        "task_state",
        "vm_state",
        "progress",
        "user_id",
      ],
    );
  }
  if (v.atLeast("2.90")) names.push("hostname");
  return new Set(names);
}

function knownParams(v: Microversion): Set<string> {
  const names = [...KNOWN, ...JOINED];
  if (v.atLeast("2.26")) names.push(...TAGS);
  if (v.atLeast("2.66")) names.push("changes-before");
  if (v.atLeast("2.73")) names.push("locked");
  return new Set(names);
}

function validSortKeys(v: Microversion): { valid: Set<string>; ignored: Set<string> } {
  // 2.73 makes `locked` a real sort key; 2.75 refuses the ignored ones outright.
  const ignored = new Set(
    v.atLeast("2.73") ? IGNORED_SORT_KEYS.filter((k) => k !== "locked") : IGNORED_SORT_KEYS,
  );
  const valid = new Set([...SORT_KEYS, ...(v.atLeast("2.73") ? ["locked"] : [])]);
  if (!v.atLeast("2.75")) for (const k of ignored) valid.add(k);
  return { valid, ignored: v.atLeast("2.75") ? new Set() : ignored };
}

export type ServerListQuery = Omit<ListServersInput, "detail">;

/**
 * The list request for these query parameters; `selectsNothing` when the answer is known to be
 * empty without asking (e.g. an ip filter: no server here has an address).
 */
export function parseServerListQuery(
  queries: Record<string, string[]>,
  version: Microversion,
  creds: Credentials & { isAdmin: boolean },
): ServerListQuery {
  if (version.atLeast("2.75")) {
    const known = knownParams(version);
    const unknown = Object.keys(queries).filter((k) => !known.has(k));
    if (unknown.length > 0) {
      const list = unknown.map((k) => `'${k}'`).join(", ");
      throw HttpError.badRequest(
        `Invalid input for query parameters ${unknown[0]}. Additional properties are not allowed (${list} ${unknown.length === 1 ? "was" : "were"} unexpected)`,
      );
    }
  }

  // Repeated parameters: the last one counts, except status and the sort parameters.
  const opts = new Map<string, string>();
  for (const [k, values] of Object.entries(queries)) {
    if (["sort_key", "sort_dir", "limit", "marker"].includes(k)) continue;
    opts.set(k, values.at(-1) ?? "");
  }
  const statuses = opts.has("status") ? (queries.status ?? []) : [];

  const allFilters = allowed(creds, "servers:allow_all_filters");
  if (!allFilters) {
    const permitted = userFilters(version);
    for (const k of [...opts.keys()]) if (!permitted.has(k)) opts.delete(k);
  }
  for (const k of opts.keys()) {
    if (JOINED.includes(k) || k.startsWith("_")) {
      throw HttpError.badRequest(`Invalid filter field: ${k}.`);
    }
  }
  const unsupported = [...opts.keys()].find((k) => UNSUPPORTED.includes(k));
  if (unsupported) {
    throw HttpError.badRequest(`Filtering servers by ${unsupported} is not supported.`);
  }

  const filters: ServerListRequest["filters"] = {};
  let empty = false;

  if (opts.has("status")) {
    const valid = statuses
      .map((s) => s.toUpperCase())
      .filter((s) => statesFromStatus(s).length > 0);
    if (valid.length === 0 && version.atLeast("2.38")) {
      throw HttpError.badRequest("Invalid status value");
    }
    if (valid.length === 0) empty = true;
    else filters.status = [...new Set(valid)];
  }

  const changesSince = opts.has("changes-since")
    ? isoInstant(opts.get("changes-since") as string, "changes-since")
    : undefined;
  const changesBefore = opts.has("changes-before")
    ? isoInstant(opts.get("changes-before") as string, "changes-before")
    : undefined;
  if (changesSince && changesBefore && changesBefore < changesSince) {
    throw HttpError.badRequest(
      "The value of changes-since must be less than or equal to changes-before.",
    );
  }
  if (changesSince) filters.changesSince = changesSince;
  if (changesBefore) filters.changesBefore = changesBefore;

  // Deleted servers: only when asked for (an admin's `deleted`, or status DELETED), both kinds
  // when changes-since/-before ask what changed, else the live ones.
  if (opts.has("deleted")) filters.deleted = looseBool(opts.get("deleted") as string);
  else if (!changesSince && !changesBefore) filters.deleted = false;
  if (filters.status?.every((s) => s === "DELETED")) {
    if (!creds.isAdmin) throw HttpError.forbidden("Only administrators may list deleted instances");
    filters.deleted = true;
  }

  const name = opts.get("name") ?? opts.get("display_name");
  if (name !== undefined) filters.name = name;
  const image = opts.get("image") ?? opts.get("image_ref");
  if (image !== undefined) filters.image = image;
  copy(opts, "flavor", (v) => (filters.flavor = v));
  copy(opts, "host", (v) => (filters.host = v));
  copy(opts, "node", (v) => (filters.node = v));
  copy(opts, "availability_zone", (v) => (filters.availabilityZone = v));
  copy(opts, "user_id", (v) => (filters.userId = v));
  copy(opts, "reservation_id", (v) => (filters.reservationId = v));
  copy(opts, "uuid", (v) => {
    if (isUuid(v)) filters.uuid = v.toLowerCase();
    else empty = true; // no server has such an id
  });
  copy(opts, "vm_state", (v) => {
    if ((VM_STATES as readonly string[]).includes(v)) filters.vmState = [v as VmState];
    else empty = true;
  });
  if (opts.has("locked")) filters.locked = parseStrictBool(opts.get("locked") as string, "locked");

  // No server has an address or a tag yet: what these filters select is known without asking.
  if (opts.has("ip") || opts.has("ip6")) empty = true;
  if (opts.has("tags") || opts.has("tags-any")) empty = true;

  const allTenants = opts.has("all_tenants")
    ? (opts.get("all_tenants") as string) === "" ||
      parseStrictBool(opts.get("all_tenants") as string, "all_tenants")
    : false;
  const projectId = opts.get("project_id") ?? opts.get("tenant_id");

  const sort = sortParams(queries, version, creds);
  const page = pageParams(queries);
  return {
    ...(empty && { selectsNothing: true }),
    allTenants,
    ...(allTenants && projectId !== undefined && { projectId }),
    filters,
    sort,
    ...page,
  };
}

function copy(opts: Map<string, string>, key: string, set: (v: string) => void): void {
  const v = opts.get(key);
  if (v !== undefined) set(v);
}

/** oslo's bool_from_string, not strict: anything unrecognised is false. */
function looseBool(value: string): boolean {
  return ["1", "t", "true", "on", "y", "yes"].includes(value.trim().toLowerCase());
}

function sortParams(
  queries: Record<string, string[]>,
  version: Microversion,
  creds: Credentials & { isAdmin: boolean },
): ServerListRequest["sort"] {
  const keys = (queries.sort_key ?? []).map((k) => k.trim());
  const dirs = (queries.sort_dir ?? []).map((d) => d.trim());
  const { valid, ignored } = validSortKeys(version);
  for (const key of keys) {
    if (!valid.has(key)) {
      throw HttpError.badRequest(
        `Invalid input for query parameters sort_key. Value: ${key}. '${key}' is not one of the valid sort keys`,
      );
    }
  }
  for (const dir of dirs) {
    if (dir !== "asc" && dir !== "desc") {
      throw HttpError.badRequest(
        "Invalid input received: Unknown sort direction, must be 'desc' or 'asc'",
      );
    }
  }
  if (keys.length === 0) keys.push("created_at");
  if (dirs.length === 0) dirs.push("desc");
  if (dirs.length > keys.length) {
    throw HttpError.badRequest("Invalid input received: Sort direction size exceeds sort key size");
  }
  const fallback = dirs[0] as "asc" | "desc";
  const sort: ServerListRequest["sort"] = [];
  keys.forEach((key, i) => {
    if (ignored.has(key)) return;
    if ((key === "host" || key === "node") && !creds.isAdmin) {
      throw HttpError.forbidden(`Only administrators can sort servers by ${key}`);
    }
    // Keys without a column here are constant (kernel_id, config_drive, …: sorting by them cannot
    // change the order), except instance_type_id, which is dropped too: sort by memory or vcpus.
    if (!COLUMN_SORT_KEYS.has(key)) return;
    const dir = (dirs[i] ?? fallback) as "asc" | "desc";
    if (sort.length < 8) sort.push({ key: key as (typeof SERVER_SORT_KEYS)[number], dir });
  });
  return sort;
}

function pageParams(queries: Record<string, string[]>): { limit: number; marker?: string } {
  const params = new URLSearchParams();
  for (const k of ["limit", "marker"]) {
    const v = queries[k]?.at(-1);
    if (v !== undefined) params.set(k, v);
  }
  const page = parsePage(params);
  // No server has an id longer than the column: Nova's answer for an unknown marker.
  if (page.marker !== undefined && page.marker.length > 255) {
    throw HttpError.badRequest(`marker [${page.marker}] not found`);
  }
  return page;
}
