// The project's quota: limits and usage of what a launch counts (instances, vCPUs, RAM), and the rest;
// for admins, any project's quota and the default quota class, and changing them.
import { QUOTA_RESOURCES, quotaChangesSchema, quotaSetSchema, quotaUsageSchema } from "@nimbus/rpc";
import { z } from "zod";
import { getProjectQuotas, quotaClass, updateProjectQuotas } from "../../../services/quotas";
import { adminProcedure, createTRPCRouter, protectedProcedure } from "../../trpc";

const numbers = z.object({ instances: z.number(), cores: z.number(), ram: z.number() });

const projectQuotasSchema = z.object({
  limits: quotaSetSchema,
  defaults: quotaSetSchema,
  usage: quotaUsageSchema,
});
const projectRef = z.object({ projectId: z.string().min(1).max(64) });
/** The limits every project gets unless it sets its own (Nova's `default` quota class). */
const DEFAULT_CLASS = "default";

export const quotasRouter = createTRPCRouter({
  /** The signed-in project's quota (-1: unlimited). */
  mine: protectedProcedure
    .output(
      z.object({
        limits: numbers,
        usage: numbers,
        /** every limit, keyed by Nova's resource names */
        all: z.record(z.enum(QUOTA_RESOURCES), z.number()),
      }),
    )
    .query(async ({ ctx }) => {
      const q = await getProjectQuotas(ctx.svc, ctx.session.projectId);
      return {
        limits: { instances: q.limits.instances, cores: q.limits.cores, ram: q.limits.ram },
        usage: { instances: q.usage.instances, cores: q.usage.cores, ram: q.usage.ram },
        all: q.limits,
      };
    }),

  /** Admins: any project's limits, defaults and usage. */
  ofProject: adminProcedure
    .input(projectRef)
    .output(projectQuotasSchema)
    .query(({ ctx, input }) => getProjectQuotas(ctx.svc, input.projectId)),

  /** Admins: set some of a project's limits; one below its usage is refused in the API's words. */
  update: adminProcedure
    .input(projectRef.extend({ limits: quotaChangesSchema }))
    .output(projectQuotasSchema)
    .mutation(({ ctx, input }) =>
      updateProjectQuotas(ctx.svc, input.projectId, input.limits, false),
    ),

  defaults: adminProcedure
    .output(quotaSetSchema)
    .query(({ ctx }) => quotaClass(ctx.svc, DEFAULT_CLASS)),

  updateDefaults: adminProcedure
    .input(z.object({ limits: quotaChangesSchema }))
    .output(quotaSetSchema)
    .mutation(({ ctx, input }) => quotaClass(ctx.svc, DEFAULT_CLASS, input.limits)),
});
