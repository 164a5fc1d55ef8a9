// A server as the conductor hands it to every other process: everything the REST views, the
// dashboard and the compute host need, with dates as ISO strings.
import { z } from "zod";
import { powerStateSchema, taskStateSchema, vmStateSchema } from "../domain/states.js";
import {
  hostName,
  isoDate,
  metadataMap,
  projectId,
  schedulerHintsSchema,
  userId,
} from "./common.js";
import { flavorSnapshotSchema } from "./flavor.js";

export const instanceFaultSchema = z.object({
  code: z.number().int(),
  message: z.string().max(255),
  /** the traceback or a longer explanation; shown to admins only (and for code ≠ 500) */
  details: z.string().nullable(),
  createdAt: isoDate,
});
export type InstanceFault = z.infer<typeof instanceFaultSchema>;

// Compiled (z.compile): a page of a thousand servers is parsed on both edges of the bus, and the
// generated parser is ~8× faster than zod's runtime one. It accepts and rejects exactly the same;
// on a rejection zod re-runs the runtime parser, so issues are unchanged too.
export const instanceSchema = z.compile(
  z.object({
    uuid: z.uuid(),
    name: z.string().max(255),
    hostname: z.string().max(255),
    description: z.string().nullable(),
    projectId,
    userId,
    vmState: vmStateSchema,
    taskState: taskStateSchema.nullable(),
    powerState: powerStateSchema,
    host: hostName.nullable(),
    node: z.string().max(255).nullable(),
    availabilityZone: z.string().max(255).nullable(),
    flavor: flavorSnapshotSchema,
    /** while a resize awaits confirmation: the flavor it came from / is going to */
    oldFlavor: flavorSnapshotSchema.nullable(),
    newFlavor: flavorSnapshotSchema.nullable(),
    imageRef: z.string().max(255),
    keyName: z.string().max(255).nullable(),
    metadata: metadataMap,
    /** base64, as the client sent it */
    userData: z.string().nullable(),
    locked: z.boolean(),
    lockedReason: z.string().max(255).nullable(),
    launchIndex: z.number().int(),
    reservationId: z.string().max(255),
    progress: z.number().int().min(0).max(100),
    accessIpV4: z.string().max(64).nullable(),
    accessIpV6: z.string().max(64).nullable(),
    serverGroups: z.array(z.uuid()),
    /** the availability zone asked for at create (the request spec's), null when none (API ≥ 2.96) */
    pinnedAvailabilityZone: z.string().max(255).nullable(),
    /** the image's properties as they were when the server was created (API ≥ 2.98) */
    imageProperties: z.record(z.string(), z.string()),
    /** the scheduler hints given at create, each value a list as Nova keeps them (API ≥ 2.100) */
    schedulerHints: schedulerHintsSchema,
    createdAt: isoDate,
    updatedAt: isoDate,
    launchedAt: isoDate.nullable(),
    terminatedAt: isoDate.nullable(),
    deletedAt: isoDate.nullable(),
    fault: instanceFaultSchema.nullable(),
  }),
);
export type Instance = z.infer<typeof instanceSchema>;
