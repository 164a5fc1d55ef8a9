// limit/marker paging as Nova does it (nova/api/openstack/common.py): a page is at most MAX_LIMIT
// items, and a full page carries a `<collection>_links` entry pointing at the next one.
import { HttpError } from "./errors";
import { serviceRoot, type Link } from "./links";

/** Nova's `[api] max_limit` default. */
export const MAX_LIMIT = 1000;

export interface Page {
  limit: number;
  marker?: string;
}

/** `limit` and `marker` from a query string; a limit of 0, absent or above MAX_LIMIT means MAX_LIMIT. */
export function parsePage(query: URLSearchParams): Page {
  const page: Page = { limit: MAX_LIMIT };
  const limit = query.get("limit");
  if (limit !== null) {
    if (!/^\d+$/.test(limit))
      throw HttpError.badRequest(`limit must be an integer greater than or equal to 0`);
    const n = Number(limit);
    if (n > 0) page.limit = Math.min(n, MAX_LIMIT);
  }
  const marker = query.get("marker");
  if (marker !== null) page.marker = marker;
  return page;
}

export interface NextLinkOptions {
  /** Base URL from links.ts `baseUrl`. */
  base: string;
  /** Path under /compute/v2.1, e.g. `servers` or `servers/detail`. */
  collection: string;
  /** The request's query; every parameter is kept, `marker` is replaced. */
  query: URLSearchParams;
  page: Page;
  /** The ids of the items in this page, in order. */
  ids: readonly string[];
}

/** `[{rel:"next", href}]` when the page is full (there may be more), else `[]`. */
export function nextLinks({ base, collection, query, page, ids }: NextLinkOptions): Link[] {
  const last = ids.at(-1);
  if (last === undefined || ids.length < page.limit) return [];
  const params = new URLSearchParams([...query].filter(([k]) => k !== "marker"));
  params.set("marker", last);
  params.sort();
  return [{ rel: "next", href: `${serviceRoot(base, "compute")}/v2.1/${collection}?${params}` }];
}
