// Flavors the project may use, and which of them some host can still take (without naming hosts);
// for admins, every flavor with its extra specs and access, and their administration.
import { z } from "zod";
import { hostRefusal, largestSlot } from "../../../dashboard/fit";
import { hostSlots } from "../../../services/capacity";
import {
  changeFlavorAccess,
  createFlavor,
  deleteFlavor,
  flavorAccess,
  listFlavors,
  updateFlavorExtraSpecs,
} from "../../../services/flavors";
import { adminProcedure, createTRPCRouter, protectedProcedure } from "../../trpc";

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

type FlavorView = z.infer<typeof flavorViewSchema>;

const view = (f: FlavorView): FlavorView => ({
  id: f.id,
  name: f.name,
  vcpus: f.vcpus,
  memoryMb: f.memoryMb,
  rootGb: f.rootGb,
  ephemeralGb: f.ephemeralGb,
  swap: f.swap,
  isPublic: f.isPublic,
  description: f.description,
});

export const adminFlavorViewSchema = flavorViewSchema.extend({
  extraSpecs: z.record(z.string(), z.string()),
  /** the projects a private flavor is granted to; null for a public one */
  access: z.array(z.string()).nullable(),
});
export type AdminFlavorView = z.infer<typeof adminFlavorViewSchema>;

const specKey = z.string().trim().min(1).max(255);
const flavorRef = z.object({ id: z.string().min(1).max(255) });
const limit = z.number().int().min(0).max(0x7fffffff);

export const flavorsRouter = createTRPCRouter({
  list: protectedProcedure
    .output(z.array(flavorViewSchema))
    .query(async ({ ctx }) => (await listFlavors(ctx.svc)).map(view)),

  /** Admins: every flavor, private ones with the projects granted them. */
  all: adminProcedure.output(z.array(adminFlavorViewSchema)).query(async ({ ctx }) => {
    const flavors = await listFlavors(ctx.svc, { isPublic: null });
    return Promise.all(
      flavors.map(async (f) => ({
        ...view(f),
        extraSpecs: f.extraSpecs,
        access: f.isPublic ? null : await flavorAccess(ctx.svc, f.id),
      })),
    );
  }),

  create: adminProcedure
    .input(
      z.object({
        name: z.string().trim().min(1).max(255),
        vcpus: limit.min(1),
        memoryMb: limit.min(1),
        rootGb: limit,
        ephemeralGb: limit,
        swap: limit,
        isPublic: z.boolean(),
        description: z.string().trim().max(65_535).nullable(),
      }),
    )
    .output(flavorViewSchema)
    .mutation(async ({ ctx, input }) =>
      view(
        await createFlavor(ctx.svc, {
          ...input,
          flavorid: null,
          rxtxFactor: 1,
          description: input.description || null,
        }),
      ),
    ),

  delete: adminProcedure.input(flavorRef).mutation(async ({ ctx, input }) => {
    await deleteFlavor(ctx.svc, input.id);
  }),

  /** Set one extra spec, or remove it (value null); every extra spec afterwards. */
  setExtraSpec: adminProcedure
    .input(flavorRef.extend({ key: specKey, value: z.string().max(255).nullable() }))
    .output(z.record(z.string(), z.string()))
    .mutation(({ ctx, input }) =>
      updateFlavorExtraSpecs(
        ctx.svc,
        input.id,
        input.value === null ? { unset: input.key } : { set: { [input.key]: input.value } },
      ),
    ),

  /** Grant or revoke a project's access to a private flavor; the projects granted afterwards. */
  access: adminProcedure
    .input(
      flavorRef.extend({ action: z.enum(["add", "remove"]), projectId: z.string().min(1).max(64) }),
    )
    .output(z.array(z.string()))
    .mutation(({ ctx, input }) =>
      changeFlavorAccess(ctx.svc, input.id, input.action, input.projectId),
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
