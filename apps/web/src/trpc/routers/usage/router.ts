// Usage for the Overview and Admin › Usage: the project's quota figures (what it uses of each
// limit, key pairs included) and simple-tenant-usage over a period, for one project or all.
import { z } from "zod";
import { listProjects } from "../../../services/identity";
import { listKeyPairs } from "../../../services/key-pairs";
import { getProjectQuotas } from "../../../services/quotas";
import { usageInstances, type UsageInput } from "../../../services/usage";
import type { ServiceContext } from "../../../services/context";
import { adminProcedure, createTRPCRouter, protectedProcedure } from "../../trpc";
import { byProject, serverUsage } from "./summary";
import {
  addTo,
  emptyTotals,
  periodSchema,
  serverUsageSchema,
  totalsSchema,
  periodWindow,
} from "./usage.schema";

const PAGE = 1000;
/** Enough for any cloud this dashboard serves; beyond it the figures say they are partial. */
const MAX_SERVERS = 20_000;

const quotaFigure = z.object({ used: z.number(), limit: z.number() });

/** Every server that ran in the window, page by page. */
async function allUsage(ctx: ServiceContext, input: Omit<UsageInput, "limit" | "marker">) {
  const out = [];
  let marker: string | undefined;
  for (;;) {
    const page = await usageInstances(ctx, { ...input, limit: PAGE, ...(marker && { marker }) });
    out.push(...page);
    if (page.length < PAGE || out.length >= MAX_SERVERS) {
      return { instances: out, complete: page.length < PAGE };
    }
    marker = page.at(-1)!.uuid;
  }
}

export const usageRouter = createTRPCRouter({
  /** The signed-in project's quota usage (-1: unlimited). Key pairs are the user's own. */
  quotas: protectedProcedure
    .output(
      z.object({
        instances: quotaFigure,
        cores: quotaFigure,
        ram: quotaFigure,
        keyPairs: quotaFigure,
      }),
    )
    .query(async ({ ctx }) => {
      const [q, keyPairs] = await Promise.all([
        getProjectQuotas(ctx.svc, ctx.session.projectId),
        listKeyPairs(ctx.svc),
      ]);
      return {
        instances: { used: q.usage.instances, limit: q.limits.instances },
        cores: { used: q.usage.cores, limit: q.limits.cores },
        ram: { used: q.usage.ram, limit: q.limits.ram },
        keyPairs: { used: keyPairs.length, limit: q.limits.key_pairs },
      };
    }),

  /** The signed-in project's usage over the period that ends now, with a row per server. */
  project: protectedProcedure
    .input(z.object({ period: periodSchema }))
    .output(
      z.object({
        start: z.string(),
        end: z.string(),
        totals: totalsSchema,
        servers: z.array(serverUsageSchema),
        complete: z.boolean(),
      }),
    )
    .query(async ({ ctx, input }) => {
      const { start, end } = periodWindow(input.period, new Date());
      const { instances, complete } = await allUsage(ctx.svc, {
        projectId: ctx.session.projectId,
        start,
        end,
      });
      const servers = instances.map((i) => serverUsage(i, start, end));
      const totals = emptyTotals();
      for (const s of servers) addTo(totals, s);
      return { start: start.toISOString(), end: end.toISOString(), totals, servers, complete };
    }),

  /** Every project's totals over the period that ends now (admins). */
  all: adminProcedure
    .input(z.object({ period: periodSchema }))
    .output(
      z.object({
        start: z.string(),
        end: z.string(),
        projects: z.array(
          totalsSchema.extend({
            projectId: z.string(),
            projectName: z.string().nullable(),
            servers: z.number(),
          }),
        ),
        complete: z.boolean(),
      }),
    )
    .query(async ({ ctx, input }) => {
      const { start, end } = periodWindow(input.period, new Date());
      const [{ instances, complete }, projects] = await Promise.all([
        allUsage(ctx.svc, { start, end }),
        listProjects(ctx.identityCtx, {}),
      ]);
      const names = new Map(projects.map((p) => [p.id, p.name]));
      return {
        start: start.toISOString(),
        end: end.toISOString(),
        projects: [...byProject(instances, start, end)].map(([projectId, t]) => ({
          projectId,
          projectName: names.get(projectId) ?? null,
          ...t,
        })),
        complete,
      };
    }),
});
