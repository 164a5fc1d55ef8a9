import { z } from "zod";

/** Nova's `metadata_items` default; the API refuses more (403) and so does the wizard. */
export const MAX_METADATA_ITEMS = 128;

export const launchInput = z.object({
  name: z.string().trim().min(1, "Give the instance a name.").max(255),
  count: z.number().int().min(1).max(100),
  imageRef: z.string().min(1, "Choose an image.").max(255),
  flavorRef: z.string().min(1, "Choose a flavor.").max(255),
  keyName: z.string().min(1).max(255).nullable(),
  serverGroup: z.uuid().nullable(),
  availabilityZone: z.string().min(1).max(255).nullable(),
  metadata: z
    .record(z.string().min(1, "A metadata key cannot be empty.").max(255), z.string().max(255))
    .refine((m) => Object.keys(m).length <= MAX_METADATA_ITEMS, {
      message: `At most ${MAX_METADATA_ITEMS} metadata items.`,
    }),
  description: z.string().max(255).nullable(),
});
export type LaunchInput = z.infer<typeof launchInput>;

export const launchOutput = z.object({
  reservationId: z.string(),
  ids: z.array(z.string()),
});
