import { SERVER_STATUSES } from "@nimbus/rpc/domain";
import { z } from "zod";
import { serverViewSchema } from "./views";

/** The instance table's sortable columns and the conductor's sort key behind each. */
export const SORT_COLUMNS = {
  name: "display_name",
  status: "vm_state",
  power: "power_state",
  zone: "availability_zone",
  host: "host",
  created: "created_at",
} as const;
export type SortColumn = keyof typeof SORT_COLUMNS;

export const listInput = z.object({
  /** part of the name (plain text, not a pattern) */
  search: z.string().trim().max(255).optional(),
  status: z.enum(SERVER_STATUSES).optional(),
  sort: z
    .object({
      column: z.enum(Object.keys(SORT_COLUMNS) as [SortColumn, ...SortColumn[]]),
      dir: z.enum(["asc", "desc"]),
    })
    .default({ column: "created", dir: "desc" }),
  limit: z.number().int().min(1).max(200).default(25),
  /** the id of the last row of the previous page */
  marker: z.string().max(255).optional(),
  /** every project's servers (admins) */
  allProjects: z.boolean().default(false),
});
export type ListInput = z.input<typeof listInput>;

export const listOutput = z.object({
  servers: z.array(serverViewSchema),
  /** the marker of the next page, null on the last one */
  nextMarker: z.string().nullable(),
});
