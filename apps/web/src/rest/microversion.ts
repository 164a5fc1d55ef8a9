// Compute API microversions, negotiated as Nova does (nova/api/openstack/wsgi.py,
// microversion_parse): `OpenStack-API-Version: compute 2.N` first, then the legacy
// `X-OpenStack-Nova-API-Version: 2.N`; none means 2.1; `latest` means the maximum.
import { HttpError } from "./errors";

export type VersionString = `${number}.${number}`;

export const MIN_MICROVERSION: VersionString = "2.1";
/**
 * NOTE(web): Nova itself is at 2.104, but each version advertised commits every resource to answer in
 * that version's shape. 2.100 is the highest any client generation asks for (newest openstacksdk caps
 * servers at 2.100; the openstacksdk 0.101 installed here caps every resource at <= 2.89 and
 * novaclient 18.1 knows up to 2.92). 2.101-2.104 (async volume attach, flavor field removals,
 * AZ re-pinning) would add obligations no client here can use.
 */
export const MAX_MICROVERSION: VersionString = "2.100";

export const API_VERSION_HEADER = "OpenStack-API-Version";
export const LEGACY_API_VERSION_HEADER = "X-OpenStack-Nova-API-Version";

const FORMAT = /^([1-9]\d*)\.([1-9]\d*|0)$/;

export class Microversion {
  private constructor(
    readonly major: number,
    readonly minor: number,
  ) {}

  /** null when the string is not `X.Y`. */
  static parse(version: string): Microversion | null {
    const m = FORMAT.exec(version);
    return m ? new Microversion(Number(m[1]), Number(m[2])) : null;
  }

  /** For version literals in code: a malformed one is a programming error. */
  static of(version: VersionString): Microversion {
    const v = Microversion.parse(version);
    if (!v) throw new Error(`malformed microversion literal ${version}`);
    return v;
  }

  compare(other: Microversion): number {
    return this.major - other.major || this.minor - other.minor;
  }

  atLeast(version: VersionString): boolean {
    return this.compare(Microversion.of(version)) >= 0;
  }

  atMost(version: VersionString): boolean {
    return this.compare(Microversion.of(version)) <= 0;
  }

  toString(): string {
    return `${this.major}.${this.minor}`;
  }
}

const MIN = Microversion.of(MIN_MICROVERSION);
const MAX = Microversion.of(MAX_MICROVERSION);

/** Read-only view of request headers, as both fetch `Headers` and plain objects can provide. */
export interface HeaderSource {
  get(name: string): string | null;
}

/** The compute version asked for, as written (`2.N` or `latest`), or null when none was. */
export function requestedMicroversion(headers: HeaderSource): string | null {
  // Repeated headers arrive folded with ", "; the last compute entry wins, as in microversion_parse.
  const standard = headers.get(API_VERSION_HEADER);
  if (standard) {
    for (const entry of standard.split(",").reverse()) {
      const [service, ...rest] = entry.trim().split(/\s+/);
      if (service?.toLowerCase() === "compute" && rest.length > 0) return rest.join(" ");
    }
  }
  const legacy = headers.get(LEGACY_API_VERSION_HEADER);
  if (legacy) return legacy.split(",").at(-1)?.trim() || null;
  return null;
}

export type Negotiation =
  { ok: true; version: Microversion } | { ok: false; error: HttpError; echo?: Microversion };

/**
 * Decide the version a request is served at. A malformed version is 400; one outside
 * [MIN, MAX] is 406, which Nova answers with the requested version echoed in the headers.
 */
export function negotiateMicroversion(headers: HeaderSource): Negotiation {
  const asked = requestedMicroversion(headers);
  if (asked === null) return { ok: true, version: MIN };
  if (asked === "latest") return { ok: true, version: MAX };
  const version = Microversion.parse(asked);
  if (!version) {
    return {
      ok: false,
      error: HttpError.badRequest(
        `API Version String ${asked} is of invalid format. Must be of format MajorNum.MinorNum.`,
      ),
    };
  }
  if (version.compare(MIN) < 0 || version.compare(MAX) > 0) {
    return {
      ok: false,
      error: new HttpError(
        406,
        `Version ${version} is not supported by the API. Minimum is ${MIN} and maximum is ${MAX}.`,
      ),
      echo: version,
    };
  }
  return { ok: true, version };
}

/** The headers every response served at a microversion carries. */
export function microversionHeaders(version: Microversion): Record<string, string> {
  return {
    [API_VERSION_HEADER]: `compute ${version}`,
    [LEGACY_API_VERSION_HEADER]: `${version}`,
    Vary: `${API_VERSION_HEADER}, ${LEGACY_API_VERSION_HEADER}`,
  };
}
