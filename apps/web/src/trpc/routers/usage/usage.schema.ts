// What a usage report holds, shared by the router and the pages (no server code here): the
// periods, the four totals Nova's simple-tenant-usage reports, and a row per server.
import { z } from "zod";

export const PERIODS = { "24h": 24, "7d": 24 * 7, "30d": 24 * 30 } as const;
export const periodSchema = z.enum(["24h", "7d", "30d"]);
export type Period = z.infer<typeof periodSchema>;

/** [start, end] of the period that ends now. */
export function periodWindow(period: Period, now: Date): { start: Date; end: Date } {
  return { start: new Date(now.getTime() - PERIODS[period] * 3_600_000), end: now };
}

export const totalsSchema = z.object({
  instanceHours: z.number(),
  vcpuHours: z.number(),
  ramGbHours: z.number(),
  diskGbHours: z.number(),
});
export type Totals = z.infer<typeof totalsSchema>;

export const serverUsageSchema = totalsSchema.extend({
  id: z.string(),
  name: z.string(),
  flavor: z.string(),
  vcpus: z.number(),
  ramMb: z.number(),
  diskGb: z.number(),
  /** "terminated" once deleted, else its vm state */
  state: z.string(),
  launchedAt: z.string(),
  terminatedAt: z.string().nullable(),
});
export type ServerUsage = z.infer<typeof serverUsageSchema>;

export const emptyTotals = (): Totals => ({
  instanceHours: 0,
  vcpuHours: 0,
  ramGbHours: 0,
  diskGbHours: 0,
});

export function addTo(t: Totals, u: Totals): void {
  t.instanceHours += u.instanceHours;
  t.vcpuHours += u.vcpuHours;
  t.ramGbHours += u.ramGbHours;
  t.diskGbHours += u.diskGbHours;
}
