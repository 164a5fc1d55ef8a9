// Images the project can see (Glance's visibility rules, decided by the conductor).
import { z } from "zod";
import { listImages } from "../../../services/images";
import { createTRPCRouter, protectedProcedure } from "../../trpc";

export const imageViewSchema = z.object({
  id: z.string(),
  name: z.string().nullable(),
  status: z.string(),
  visibility: z.string(),
  owner: z.string().nullable(),
  diskFormat: z.string().nullable(),
  size: z.number().nullable(),
  minDisk: z.number(),
  minRam: z.number(),
  createdAt: z.string(),
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
      return images.map((i) => ({
        id: i.id,
        name: i.name,
        status: i.status,
        visibility: i.visibility,
        owner: i.owner,
        diskFormat: i.diskFormat,
        size: i.size,
        minDisk: i.minDisk,
        minRam: i.minRam,
        createdAt: i.createdAt,
      }));
    }),
});
