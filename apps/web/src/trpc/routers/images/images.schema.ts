// What the dashboard's image form offers, shared by the router and the form: the formats people
// upload (of Glance's defaults), and the visibilities (public needs an admin: images:publicize).
import type { CONTAINER_FORMATS, DISK_FORMATS } from "@nimbus/rpc";
import { z } from "zod";

export const UPLOAD_DISK_FORMATS = [
  "qcow2",
  "raw",
  "iso",
  "vmdk",
  "vdi",
  "vhd",
  "vhdx",
] as const satisfies readonly (typeof DISK_FORMATS)[number][];

export const UPLOAD_CONTAINER_FORMATS = [
  "bare",
  "ovf",
  "ova",
] as const satisfies readonly (typeof CONTAINER_FORMATS)[number][];

export const UPLOAD_VISIBILITIES = ["private", "shared", "community", "public"] as const;

export const newImageSchema = z.object({
  name: z.string().trim().min(1, "Give the image a name.").max(255),
  diskFormat: z.enum(UPLOAD_DISK_FORMATS),
  containerFormat: z.enum(UPLOAD_CONTAINER_FORMATS),
  visibility: z.enum(UPLOAD_VISIBILITIES),
  minDisk: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1),
  minRam: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1),
});
export type NewImageInput = z.infer<typeof newImageSchema>;
