// The project's quota: limits and usage of what a launch counts (instances, vCPUs, RAM), and the rest.
import { QUOTA_RESOURCES } from "@nimbus/rpc";
import { z } from "zod";
import { getProjectQuotas } from "../../../services/quotas";
import { createTRPCRouter, protectedProcedure } from "../../trpc";

const numbers = z.object({ instances: z.number(), cores: z.number(), ram: z.number() });

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
});
