// compute.build_and_run_instance — build a server on this host (sent to `compute.<host>`): take the
// build (conductor.start_build), fetch the image into the host's cache, create the disk, define and
// start the domain, report ACTIVE — or conductor.build_failed.
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCast } from "../contract.js";
import { instanceSchema } from "../models/instance.js";

export const imageRefSchema = z.object({
  id: z.string().min(1).max(255),
  diskFormat: z.string().max(32),
  size: z.number().int().min(0).nullable(),
  /** md5 hex, verified after download */
  checksum: z.string().max(64).nullable(),
  /** sha512 hex, verified after download */
  osHashValue: z.string().max(128).nullable(),
});

export const buildAndRunInstance = defineCast({
  service: "compute",
  name: "build_and_run_instance",
  version: "1.0",
  request: z.object({
    instance: instanceSchema,
    image: imageRefSchema,
    attempt: z.number().int().min(1),
  }),
});
