// Flavors the project may use, and which of them some host can still take (without naming hosts).
import { z } from "zod";
import { hostRefusal, largestSlot } from "../../../dashboard/fit";
import { hostSlots } from "../../../services/capacity";
import { listFlavors } from "../../../services/flavors";
import { createTRPCRouter, protectedProcedure } from "../../trpc";

export const flavorViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  vcpus: z.number(),
  memoryMb: z.number(),
  rootGb: z.number(),
  ephemeralGb: z.number(),
  swap: z.number(),
  isPublic: z.boolean(),
  description: z.string().nullable(),
});

export const flavorsRouter = createTRPCRouter({
  list: protectedProcedure.output(z.array(flavorViewSchema)).query(async ({ ctx }) =>
    (await listFlavors(ctx.svc)).map((f) => ({
      id: f.id,
      name: f.name,
      vcpus: f.vcpus,
      memoryMb: f.memoryMb,
      rootGb: f.rootGb,
      ephemeralGb: f.ephemeralGb,
      swap: f.swap,
      isPublic: f.isPublic,
      description: f.description,
    })),
  ),

  /**
   * For each flavor, why no host could take one instance of it now (null: some host can), in
   * any zone or in `zone`; and the largest amounts one host has free.
   */
  capacity: protectedProcedure
    .input(z.object({ zone: z.string().max(255).nullable().default(null) }))
    .output(
      z.object({
        flavors: z.record(z.string(), z.string().nullable()),
        largest: z.object({ vcpus: z.number(), ramMb: z.number(), diskGb: z.number() }),
      }),
    )
    .query(async ({ ctx, input }) => {
      const [flavors, slots] = await Promise.all([listFlavors(ctx.svc), hostSlots(ctx.svc)]);
      const zone = input.zone ?? undefined;
      return {
        flavors: Object.fromEntries(flavors.map((f) => [f.id, hostRefusal(f, slots, zone)])),
        largest: largestSlot(zone ? slots.filter((s) => s.zone === zone) : slots),
      };
    }),
});
