// Values rendered the way Nova renders them: its two timestamp formats and the hashed host id.
import { createHash } from "node:crypto";

// What models carry: `Date.toISOString()` (fast path) or any ISO 8601 instant.
const UTC_ISO = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?Z$/;

function parts(iso: string): [string, string] {
  const m = UTC_ISO.exec(iso) ?? UTC_ISO.exec(new Date(iso).toISOString());
  if (!m) throw new RangeError(`not an ISO 8601 instant: ${iso}`);
  return [m[1] as string, (m[2] ?? "").padEnd(6, "0")];
}

/** nova.utils.isotime: whole seconds, "Z" (server `created`/`updated`, fault `created`). */
export function isotime(iso: string): string {
  return `${parts(iso)[0]}Z`;
}

/**
 * How Nova's JSON serializer writes a datetime object: UTC without a zone, always six fraction
 * digits (OS-SRV-USG:launched_at, instance action times, service updated_at).
 */
export function perfectTime(iso: string): string {
  const [seconds, fraction] = parts(iso);
  return `${seconds}.${fraction}`;
}

export function perfectTimeOrNull(iso: string | null): string | null {
  return iso === null ? null : perfectTime(iso);
}

/**
 * nova.utils.generate_hostid: sha224 of project id + host, so a user can tell whether two of its
 * servers share a host without learning the host's name. "" without a host.
 */
export function hostId(projectId: string, host: string | null): string {
  if (!host) return "";
  return createHash("sha224")
    .update(projectId + host, "utf8")
    .digest("hex");
}
