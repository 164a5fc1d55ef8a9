// Servers for the dashboard: the instance table, one server, its actions (one definition per action
// in packages/rpc/src/domain/server-actions, checked again by the conductor), launching, the
// console and the action log. Every procedure calls the service layer the REST API calls.
import { SERVER_ACTION_NAMES, type ServerActionName } from "@nimbus/rpc/domain";
import { z } from "zod";
import { createConsole } from "../../../services/consoles";
import { listActions } from "../../../services/instance-actions";
import { consoleOutput, getServer, serverAction } from "../../../services/servers";
import { isBusError } from "../../../rest/errors";
import { createTRPCRouter, protectedProcedure } from "../../trpc";
import { launchHandler } from "./launch.handler";
import { launchInput, launchOutput } from "./launch.schema";
import { listHandler } from "./list.handler";
import { listInput, listOutput } from "./list.schema";
import { actionView, actionViewSchema, serverView, serverViewSchema } from "./views";

const id = z.string().min(1).max(255);

/** Actions the dashboard runs from a button (resize has a dialog of its own, not built yet). */
const BUTTON_ACTIONS = SERVER_ACTION_NAMES.filter((a) => a !== "resize") as Exclude<
  ServerActionName,
  "resize"
>[];
const actionName = z.enum(
  BUTTON_ACTIONS as [Exclude<ServerActionName, "resize">, ...Exclude<ServerActionName, "resize">[]],
);
const actionArgs = z.object({
  /** reset-state: the state to force (Nova's os-resetState) */
  resetTo: z.enum(["active", "error"]).optional(),
});

/** What the table's bulk bar offers. */
export const BULK_ACTIONS = ["start", "stop", "reboot-soft", "delete"] as const;

/** How many of a bulk action's servers are asked at once. */
const BULK_CONCURRENCY = 8;

export const serversRouter = createTRPCRouter({
  list: protectedProcedure
    .input(listInput)
    .output(listOutput)
    .query(({ ctx, input }) => listHandler(ctx.svc, input)),

  get: protectedProcedure
    .input(z.object({ id }))
    .output(serverViewSchema)
    .query(async ({ ctx, input }) => serverView(await getServer(ctx.svc, input.id), ctx.svc)),

  action: protectedProcedure
    .input(z.object({ id, action: actionName, args: actionArgs.default({}) }))
    .output(serverViewSchema)
    .mutation(async ({ ctx, input }) => {
      const server = await serverAction(ctx.svc, input.id, input.action, input.args);
      return serverView(server, ctx.svc);
    }),

  /** One action on many servers; each answers for itself (a refusal does not stop the others). */
  bulkAction: protectedProcedure
    .input(z.object({ ids: z.array(id).min(1).max(200), action: z.enum(BULK_ACTIONS) }))
    .output(z.array(z.object({ id: z.string(), ok: z.boolean(), message: z.string().nullable() })))
    .mutation(async ({ ctx, input }) => {
      const results: { id: string; ok: boolean; message: string | null }[] = [];
      for (let i = 0; i < input.ids.length; i += BULK_CONCURRENCY) {
        const batch = input.ids.slice(i, i + BULK_CONCURRENCY);
        const settled = await Promise.allSettled(
          batch.map((s) => serverAction(ctx.svc, s, input.action)),
        );
        settled.forEach((r, n) => {
          if (r.status === "fulfilled")
            return results.push({ id: batch[n]!, ok: true, message: null });
          // The API's own words for a refusal; anything else is a failure of ours.
          if (!isBusError(r.reason) || r.reason.code === "internal") throw r.reason;
          results.push({ id: batch[n]!, ok: false, message: r.reason.message });
        });
      }
      ctx.log.info(
        {
          action: input.action,
          servers: input.ids.length,
          refused: results.filter((r) => !r.ok).length,
        },
        "bulk action",
      );
      return results;
    }),

  launch: protectedProcedure
    .input(launchInput)
    .output(launchOutput)
    .mutation(({ ctx, input }) => launchHandler(ctx.svc, input)),

  /** The server's serial console log (os-getConsoleOutput), its last `length` lines. */
  consoleOutput: protectedProcedure
    .input(z.object({ id, length: z.number().int().min(1).max(10_000).default(200) }))
    .output(z.object({ output: z.string() }))
    .query(async ({ ctx, input }) => ({
      output: await consoleOutput(ctx.svc, input.id, input.length),
    })),

  /** A console token (the console component builds the websocket URL on this page's origin). */
  console: protectedProcedure
    .input(z.object({ id }))
    .output(z.object({ token: z.string(), expiresAt: z.string() }))
    .mutation(async ({ ctx, input }) => {
      const { token, expiresAt } = await createConsole(ctx.svc, input.id, "novnc");
      return { token, expiresAt };
    }),

  /** The action log (os-instance-actions), newest first, each action with its events. */
  actions: protectedProcedure
    .input(z.object({ id }))
    .output(z.array(actionViewSchema))
    .query(async ({ ctx, input }) =>
      (await listActions(ctx.svc, input.id)).map((a) => actionView(a, ctx.svc)),
    ),
});
