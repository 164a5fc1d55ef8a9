// The task drawer's first load: the project's recent actions (then instance.action events keep it
// current). There is no project-wide action log on the bus, so this reads the actions of the
// servers changed most recently (deleted ones included).
import { z } from "zod";
import { listActions } from "../../../services/instance-actions";
import { listServers } from "../../../services/servers";
import { createTRPCRouter, protectedProcedure } from "../../trpc";
import { actionView, actionViewSchema } from "../servers/views";

const SERVERS = 15;
const ACTIONS_PER_SERVER = 4;
const WINDOW_MS = 24 * 3600_000;

export const tasksRouter = createTRPCRouter({
  /** Up to `limit` actions of the last day, newest first. */
  recent: protectedProcedure
    .input(z.object({ limit: z.number().int().min(1).max(100).default(30) }).default({ limit: 30 }))
    .output(z.array(actionViewSchema))
    .query(async ({ ctx, input }) => {
      const since = new Date(Date.now() - WINDOW_MS).toISOString();
      const servers = await listServers(ctx.svc, {
        detail: true,
        allTenants: false,
        filters: { changesSince: since },
        sort: [{ key: "updated_at", dir: "desc" }],
        limit: SERVERS,
      });
      const lists = await Promise.all(
        servers.map(async (s) =>
          (await listActions(ctx.svc, s.uuid, { limit: ACTIONS_PER_SERVER })).map((a) =>
            actionView(a, ctx.svc, s.name),
          ),
        ),
      );
      return lists
        .flat()
        .filter((a) => a.startTime >= since)
        .sort((a, b) => b.startTime.localeCompare(a.startTime))
        .slice(0, input.limit);
    }),
});
