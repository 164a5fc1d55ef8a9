// Availability zones a server can be launched in: those with a compute host, as Nova lists them.
import { z } from "zod";
import { zoneServices } from "../../../services/availability-zones";
import { createTRPCRouter, protectedProcedure } from "../../trpc";

export const availabilityZonesRouter = createTRPCRouter({
  /** Zones of compute hosts, each with whether any of its hosts is up and enabled. */
  list: protectedProcedure
    .output(z.array(z.object({ name: z.string(), available: z.boolean() })))
    .query(async ({ ctx }) => {
      const zones = new Map<string, boolean>();
      for (const s of await zoneServices(ctx.svc, false)) {
        if (s.binary !== "nova-compute") continue;
        const usable = s.up && !s.disabled && !s.forcedDown;
        zones.set(s.zone, (zones.get(s.zone) ?? false) || usable);
      }
      return [...zones]
        .map(([name, available]) => ({ name, available }))
        .sort((a, b) => a.name.localeCompare(b.name));
    }),
});
