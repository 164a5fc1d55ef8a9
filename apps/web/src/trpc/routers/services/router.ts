// Compute services (admins): list them, enable, disable with a reason, force down and back.
import { serviceSchema } from "@nimbus/rpc";
import { z } from "zod";
import { listServices, updateService } from "../../../services/hosts";
import { adminProcedure, createTRPCRouter } from "../../trpc";

export const servicesRouter = createTRPCRouter({
  list: adminProcedure.output(z.array(serviceSchema)).query(({ ctx }) => listServices(ctx.svc)),

  /** One change at a time, as the API's PUT /os-services/{id} takes them. */
  update: adminProcedure
    .input(
      z.discriminatedUnion("change", [
        z.object({ id: z.uuid(), change: z.literal("enable") }),
        z.object({
          id: z.uuid(),
          change: z.literal("disable"),
          reason: z.string().trim().max(255).nullable(),
        }),
        z.object({ id: z.uuid(), change: z.literal("forceDown"), forcedDown: z.boolean() }),
      ]),
    )
    .output(serviceSchema)
    .mutation(({ ctx, input }) => {
      switch (input.change) {
        case "enable":
          return updateService(ctx.svc, input.id, { disabled: false, disabledReason: null });
        case "disable":
          return updateService(ctx.svc, input.id, {
            disabled: true,
            disabledReason: input.reason || null,
          });
        case "forceDown":
          return updateService(ctx.svc, input.id, { forcedDown: input.forcedDown });
      }
    }),
});
