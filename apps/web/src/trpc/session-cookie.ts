// The dashboard's session cookie: the Keystone token itself, where page scripts cannot read it
// (HttpOnly) and other sites cannot send it on their requests (SameSite=Lax), living exactly as long
// as the token.
//
// Lax rather than Strict: with Strict a link to an instance page followed from a mail or a chat
// arrives without the cookie and shows the sign-in page to a signed-in user. Lax still keeps the
// cookie off every cross-site POST, fetch and frame; what it lets through, a top-level GET, reaches
// only queries, which change nothing, and the answer goes to the user's own tab. Mutations are
// further refused unless their Origin is this server's (see `csrfVerdict`).
import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import { checkOrigin, type OriginPolicy } from "../console/origin";

export const SESSION_COOKIE = "nimbus_session";

/** The session token a request carries, or null. */
export function sessionToken(headers: IncomingHttpHeaders): string | null {
  const header = headers.cookie;
  if (!header) return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() === SESSION_COOKIE) {
      const value = part.slice(eq + 1).trim();
      return value === "" ? null : value;
    }
  }
  return null;
}

/** Whether the browser reached this server over https (directly or through a proxy that says so). */
export function isHttps(req: IncomingMessage, publicUrl?: string): boolean {
  const forwarded = req.headers["x-forwarded-proto"];
  const proto = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(",")[0]?.trim();
  if (proto) return proto === "https";
  if ("encrypted" in req.socket && req.socket.encrypted) return true;
  return publicUrl?.startsWith("https:") ?? false;
}

/** Set-Cookie for a session token that expires at `expiresAt`. */
export function sessionCookie(token: string, expiresAt: Date, secure: boolean, now = Date.now()) {
  const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - now) / 1000));
  return [
    `${SESSION_COOKIE}=${token}`,
    "Path=/",
    `Expires=${expiresAt.toUTCString()}`,
    `Max-Age=${maxAge}`,
    "HttpOnly",
    "SameSite=Lax",
    ...(secure ? ["Secure"] : []),
  ].join("; ");
}

/** Set-Cookie that removes the session cookie. */
export function clearedSessionCookie(secure: boolean) {
  return [
    `${SESSION_COOKIE}=`,
    "Path=/",
    "Expires=Thu, 01 Jan 1970 00:00:00 GMT",
    "Max-Age=0",
    "HttpOnly",
    "SameSite=Lax",
    ...(secure ? ["Secure"] : []),
  ].join("; ");
}

/**
 * Whether a request may change something on the session's behalf: its Origin is this server's (or
 * NIMBUS_PUBLIC_URL's), and it is JSON, which a cross-site form cannot send without a preflight.
 * A request without Origin is not from a browser page (browsers send it on every POST), so it
 * carries no ambient cookie to abuse.
 */
export function csrfVerdict(
  headers: IncomingHttpHeaders,
  policy: Pick<OriginPolicy, "publicUrl">,
): { ok: true } | { ok: false; reason: string } {
  const origin = checkOrigin(headers, { allowed: [], publicUrl: policy.publicUrl });
  if (!origin.ok) return { ok: false, reason: `cross-site request from ${origin.origin}` };
  const type = headers["content-type"]?.split(";")[0]?.trim().toLowerCase();
  if (type !== "application/json") return { ok: false, reason: "not a JSON request" };
  return { ok: true };
}
