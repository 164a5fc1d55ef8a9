// Images the project can see (Glance's visibility rules, decided by the conductor), and the
// dashboard's create and delete. The data itself goes through the upload endpoint
// (src/server/dashboard-upload.ts): tRPC cannot stream a body.
import type { Image } from "@nimbus/rpc";
import { z } from "zod";
import { createImage, deleteImage, listImages } from "../../../services/images";
import { createTRPCRouter, protectedProcedure } from "../../trpc";
import { newImageSchema } from "./images.schema";

export const imageViewSchema = z.object({
  id: z.string(),
  name: z.string().nullable(),
  status: z.string(),
  visibility: z.string(),
  owner: z.string().nullable(),
  diskFormat: z.string().nullable(),
  containerFormat: z.string().nullable(),
  size: z.number().nullable(),
  minDisk: z.number(),
  minRam: z.number(),
  protected: z.boolean(),
  createdAt: z.string(),
});

const view = (i: Image) => ({
  id: i.id,
  name: i.name,
  status: i.status,
  visibility: i.visibility,
  owner: i.owner,
  diskFormat: i.diskFormat,
  containerFormat: i.containerFormat,
  size: i.size,
  minDisk: i.minDisk,
  minRam: i.minRam,
  protected: i.protected,
  createdAt: i.createdAt,
});

export const imagesRouter = createTRPCRouter({
  /** Up to 500 images, by name; `status` narrows (the launch wizard asks for active ones). */
  list: protectedProcedure
    .input(z.object({ status: z.enum(["active", "queued", "saving"]).optional() }).default({}))
    .output(z.array(imageViewSchema))
    .query(async ({ ctx, input }) => {
      const images = await listImages(ctx.svc, {
        filters: { ...(input.status && { statuses: [input.status] }) },
        sort: [
          { key: "name", dir: "asc" },
          { key: "id", dir: "asc" },
        ],
        limit: 500,
      });
      return images.map(view);
    }),

  /** A queued image record in the caller's project, ready for its data. */
  create: protectedProcedure
    .input(newImageSchema)
    .output(imageViewSchema)
    .mutation(async ({ ctx, input }) =>
      view(await createImage(ctx.svc, { fields: input, properties: {} })),
    ),

  delete: protectedProcedure
    .input(z.object({ id: z.string().min(1).max(255) }))
    .mutation(async ({ ctx, input }) => {
      await deleteImage(ctx.svc, input.id, ctx.imagesDir);
    }),
});
