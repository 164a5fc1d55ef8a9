// The Origin check of the console websocket (the hole behind CVE-2015-0259): a page may open a
// console only from this server's own origin or an origin the operator allows. Browsers always send
// Origin on a websocket and a page cannot forge it; a client without one is not a browser, and has
// no ambient credentials to abuse, so it passes (as in Nova's proxy).
import type { IncomingHttpHeaders } from "node:http";

export interface OriginPolicy {
  /** NIMBUS_CONSOLE_ALLOWED_ORIGINS, as `scheme://host[:port]` origins */
  allowed: readonly string[];
  /** NIMBUS_PUBLIC_URL: its origin is always allowed */
  publicUrl?: string | undefined;
}

export type OriginVerdict = { ok: true } | { ok: false; origin: string };

function originOf(url: string): string | null {
  try {
    const u = new URL(url);
    return u.origin === "null" ? null : u.origin;
  } catch {
    return null;
  }
}

/** The first value of a header that may repeat or be a comma-separated list. */
function first(value: string | string[] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return v?.split(",")[0]?.trim() || undefined;
}

export function checkOrigin(headers: IncomingHttpHeaders, policy: OriginPolicy): OriginVerdict {
  const raw = headers.origin;
  if (raw === undefined) return { ok: true };
  const origin = originOf(raw);
  if (!origin) return { ok: false, origin: raw };
  const scheme = new URL(origin).protocol;

  // The page's origin is this server as the browser reached it: the Host it sent, or the host a
  // proxy in front reports (a page cannot set X-Forwarded-Host on a websocket).
  const hosts = [first(headers["x-forwarded-host"]), first(headers.host)].filter(
    (h): h is string => !!h,
  );
  for (const host of hosts) {
    if (originOf(`${scheme}//${host}`) === origin) return { ok: true };
  }
  const allowed = [...policy.allowed, ...(policy.publicUrl ? [policy.publicUrl] : [])];
  if (allowed.some((a) => originOf(a) === origin)) return { ok: true };
  return { ok: false, origin: raw };
}
