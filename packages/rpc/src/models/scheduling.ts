// What the scheduler is asked to place, and how it explains its choice.
import { z } from "zod";
import { hostName, projectId } from "./common.js";

export const requestSpecSchema = z.object({
  projectId,
  instanceUuids: z.array(z.uuid()).min(1).max(1000),
  flavor: z.object({
    memoryMb: z.number().int().min(0),
    vcpus: z.number().int().min(0),
    rootGb: z.number().int().min(0),
    ephemeralGb: z.number().int().min(0),
    swap: z.number().int().min(0),
    extraSpecs: z.record(z.string(), z.string()),
  }),
  image: z.object({
    id: z.string().max(255),
    properties: z.record(z.string(), z.string()),
  }),
  availabilityZone: z.string().max(255).nullable(),
  /** an admin's `az:host` request */
  forceHost: hostName.nullable(),
  /**
   * the server group the instances join, with the hosts its members already use: one entry per
   * member (a host repeats), so the soft (anti-)affinity weighers can count members per host
   */
  group: z
    .object({
      uuid: z.uuid(),
      policy: z.enum(["affinity", "anti-affinity", "soft-affinity", "soft-anti-affinity"]),
      hosts: z.array(hostName),
    })
    .nullable(),
  /** hosts that failed this build already (rescheduling) */
  ignoreHosts: z.array(hostName),
});
export type RequestSpec = z.infer<typeof requestSpecSchema>;

export const hostChoiceSchema = z.object({
  host: hostName,
  node: z.string().max(255),
  nodeId: z.number().int(),
});
export type HostChoice = z.infer<typeof hostChoiceSchema>;

/** Why the scheduler chose what it chose: hosts removed by each filter, then the weights. */
export const explanationSchema = z.object({
  hostsConsidered: z.number().int(),
  filters: z.array(
    z.object({
      name: z.string(),
      before: z.number().int(),
      after: z.number().int(),
      /** at most a few dozen, with the reason each was removed */
      removed: z.array(z.object({ host: hostName, reason: z.string().max(500) })),
    }),
  ),
  /** the best hosts, best first, with each weigher's normalized contribution */
  weighed: z.array(
    z.object({ host: hostName, weight: z.number(), weights: z.record(z.string(), z.number()) }),
  ),
});
export type Explanation = z.infer<typeof explanationSchema>;
