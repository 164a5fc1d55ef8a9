// One page of the instance table, filtered, sorted and paginated by the conductor in SQL: the same
// call GET /servers/detail makes, so a page costs the same with 10 servers or 10,000.
import { listServers } from "../../../services/servers";
import type { ServiceContext } from "../../../services/context";
import { SORT_COLUMNS, type listInput, type listOutput } from "./list.schema";
import { serverView } from "./views";
import type { z } from "zod";

/** Nova's name filter is a regular expression; the dashboard's search box means plain text. */
export const namePattern = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

export async function listHandler(
  svc: ServiceContext,
  input: z.output<typeof listInput>,
): Promise<z.output<typeof listOutput>> {
  const { column, dir } = input.sort;
  // One more than a page tells whether there is a next page.
  const rows = await listServers(svc, {
    detail: true,
    allTenants: input.allProjects,
    filters: {
      deleted: false,
      ...(input.search && { name: namePattern(input.search) }),
      ...(input.status && { status: [input.status] }),
    },
    sort: [{ key: SORT_COLUMNS[column], dir }],
    limit: input.limit + 1,
    ...(input.marker !== undefined && { marker: input.marker }),
  });
  const page = rows.slice(0, input.limit);
  return {
    servers: page.map((s) => serverView(s, svc)),
    nextMarker: rows.length > input.limit ? page.at(-1)!.uuid : null,
  };
}
