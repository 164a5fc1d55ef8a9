// The project's server groups (placement policies for their members).
import { z } from "zod";
import { listServerGroups } from "../../../services/server-groups";
import { createTRPCRouter, protectedProcedure } from "../../trpc";

export const serverGroupViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  policy: z.string(),
  members: z.number(),
  maxServerPerHost: z.number().nullable(),
});

export const serverGroupsRouter = createTRPCRouter({
  list: protectedProcedure.output(z.array(serverGroupViewSchema)).query(async ({ ctx }) =>
    (await listServerGroups(ctx.svc)).map((g) => ({
      id: g.uuid,
      name: g.name,
      policy: g.policy,
      members: g.members.length,
      maxServerPerHost: g.rules.max_server_per_host ?? null,
    })),
  ),
});
