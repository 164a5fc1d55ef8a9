import { z } from "zod";
import { createTRPCRouter, publicProcedure } from "../trpc";

export const healthRouter = createTRPCRouter({
  /** The web process is up and serving tRPC. */
  check: publicProcedure
    .output(z.object({ status: z.literal("ok") }))
    .query(() => ({ status: "ok" as const })),
});
