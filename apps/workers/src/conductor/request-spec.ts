// What the conductor keeps per instance in request_specs.spec: what the scheduler is asked for,
// the image the compute host must fetch, and the build's progress (Nova's RequestSpec plus the
// retry bookkeeping it keeps in filter_properties).
import { hostName, imageRefSchema, requestSpecSchema, schedulerHintsSchema } from "@nimbus/rpc";
import { z } from "zod";

export const storedSpecSchema = z.object({
  flavor: requestSpecSchema.shape.flavor,
  image: requestSpecSchema.shape.image,
  /** what compute.build_and_run_instance needs to fetch and verify the image */
  imageRef: imageRefSchema,
  availabilityZone: z.string().max(255).nullable(),
  forceHost: hostName.nullable(),
  groupUuid: z.uuid().nullable(),
  /** every hint as the user gave it (shown by the API from 2.100) */
  schedulerHints: schedulerHintsSchema,
  /** hosts a build of this instance failed on (never offered again) */
  ignoreHosts: z.array(hostName),
  /**
   * Incremented with every build cast: compute.build_and_run_instance carries it and
   * conductor.start_build / build_failed must name it, so a stale or duplicate build is dropped.
   */
  attempt: z.number().int().min(0),
  /** builds that failed on a host (max_attempts counts these plus the one running) */
  failures: z.number().int().min(0),
  /** where and why the latest of those failed, for the fault if no host is left */
  lastFailure: z.object({ host: hostName, reason: z.string() }).optional(),
});
export type StoredSpec = z.infer<typeof storedSpecSchema>;

/** The stored spec read with an instance; null if it has none (or one from before this shape). */
export function specOf(raw: unknown): StoredSpec | null {
  const parsed = storedSpecSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}
