// How a pushed server change lands in a cached page of the instance table, without refetching:
// rows change in place (an older update never overwrites a newer one), a deleted server leaves,
// and a new server appears where the page's own filter and sort would put it (or not at all when
// it belongs on another page). Pure functions over the page; live.tsx applies them to the cache.
import type { ListInput } from "../trpc/routers/servers/list.schema";
import type { ServerView } from "../trpc/routers/servers/views";

export interface ServerPage {
  servers: ServerView[];
  nextMarker: string | null;
}

/** Who is looking: a page without allProjects shows the session's project only. */
export interface PageScope {
  projectId: string;
}

const isNewer = (next: ServerView, current: ServerView) => next.updatedAt >= current.updatedAt;

/** Whether the page's filters would select the server. */
export function matches(server: ServerView, input: ListInput, scope: PageScope): boolean {
  if (!input.allProjects && server.projectId !== scope.projectId) return false;
  if (server.deletedAt) return false;
  if (input.search && !server.name.toLowerCase().includes(input.search.trim().toLowerCase())) {
    return false;
  }
  if (input.status && server.status !== input.status) return false;
  return true;
}

const KEYS: Record<NonNullable<ListInput["sort"]>["column"], (s: ServerView) => string | number> = {
  name: (s) => s.name.toLowerCase(),
  status: (s) => s.vmState,
  power: (s) => s.powerState,
  zone: (s) => s.availabilityZone ?? "",
  host: (s) => s.host ?? "",
  created: (s) => s.createdAt,
};

export function compare(input: ListInput, a: ServerView, b: ServerView): number {
  const sort = input.sort ?? { column: "created", dir: "desc" };
  const key = KEYS[sort.column];
  const [x, y] = [key(a), key(b)];
  const order =
    x < y ? -1 : x > y ? 1 : a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0;
  return sort.dir === "asc" ? order : -order;
}

/** The page after a server was created or changed (the same page object when nothing changed). */
export function upsertServer(
  page: ServerPage,
  input: ListInput,
  scope: PageScope,
  server: ServerView,
  kind: "created" | "updated",
): ServerPage {
  const at = page.servers.findIndex((s) => s.id === server.id);
  if (at !== -1) {
    if (!isNewer(server, page.servers[at]!)) return page;
    const servers = [...page.servers];
    servers[at] = server;
    return { ...page, servers };
  }
  // A server not on this page joins it only when new, and only where this page would show it.
  if (kind !== "created" || !matches(server, input, scope)) return page;
  const limit = input.limit ?? 25;
  const servers = [...page.servers];
  let index = servers.findIndex((s) => compare(input, server, s) < 0);
  if (index === -1) index = servers.length;
  // Past the end of a full page (or any page after the first): it belongs on a later page.
  if (index >= limit || (input.marker && index === 0)) return page;
  if (index === servers.length && page.nextMarker) return page;
  servers.splice(index, 0, server);
  if (servers.length <= limit) return { ...page, servers };
  const kept = servers.slice(0, limit);
  return { servers: kept, nextMarker: kept.at(-1)!.id };
}

export function removeServer(page: ServerPage, id: string): ServerPage {
  if (!page.servers.some((s) => s.id === id)) return page;
  return { ...page, servers: page.servers.filter((s) => s.id !== id) };
}
