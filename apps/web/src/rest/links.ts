// Absolute links in responses, built the way Nova's view builders build them: from NIMBUS_PUBLIC_URL
// when set, else from the request's scheme and host as a proxy in front reports them.
import type { HeaderSource } from "./microversion";

export type Service = "compute" | "identity" | "image";

// A Host header is echoed into links; refuse anything that is not a plain host[:port].
const HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

function first(value: string | null): string | undefined {
  return value?.split(",")[0]?.trim() || undefined;
}

/** The origin (plus any public path prefix) clients use to reach this server, without a trailing slash. */
export function publicBaseUrl(
  requestUrl: string,
  headers: HeaderSource,
  publicUrl?: string,
): string {
  if (publicUrl) return publicUrl;
  const url = new URL(requestUrl);
  const proto = first(headers.get("x-forwarded-proto"));
  const forwardedHost = first(headers.get("x-forwarded-host"));
  const scheme = proto === "http" || proto === "https" ? proto : url.protocol.slice(0, -1);
  const host = forwardedHost && HOST.test(forwardedHost) ? forwardedHost : url.host;
  return `${scheme}://${host}`;
}

/** The root of one service, e.g. `http://host:8080/compute`. */
export function serviceRoot(base: string, service: Service): string {
  return `${base}/${service}`;
}

export interface Link {
  rel: string;
  href: string;
  type?: string;
}

/** Nova's `links` for one resource: self under /v2.1, bookmark without the version. */
export function computeResourceLinks(base: string, collection: string, id: string): Link[] {
  const root = serviceRoot(base, "compute");
  return [
    { rel: "self", href: `${root}/v2.1/${collection}/${encodeURIComponent(id)}` },
    { rel: "bookmark", href: `${root}/${collection}/${encodeURIComponent(id)}` },
  ];
}

/** The part of a Hono context links need; `publicUrl` is NIMBUS_PUBLIC_URL, set by the REST app. */
interface LinkContext {
  req: { url: string; raw: { headers: HeaderSource } };
  var: { publicUrl?: string | undefined };
}

/** The base URL for links in the response to this request. */
export function baseUrl(c: LinkContext): string {
  return publicBaseUrl(c.req.url, c.req.raw.headers, c.var.publicUrl);
}
