// conductor.create_servers — the API asks for new servers. The conductor validates the references
// (flavor, image, key pair, server group), checks quota exactly under a per-project lock, records
// the servers (BUILD/scheduling) and their "create" actions, answers at once, and schedules them
// in the background (conductor.schedule_and_build).
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";
import { hostName, metadataMap, schedulerHintsSchema } from "../models/common.js";
import { instanceSchema } from "../models/instance.js";

export const createServers = defineCall({
  service: "conductor",
  name: "create_servers",
  version: "1.0",
  request: z.object({
    name: z.string().min(1).max(255),
    imageRef: z.string().min(1).max(255),
    flavorRef: z.string().min(1).max(255),
    minCount: z.number().int().min(1).max(1000),
    maxCount: z.number().int().min(1).max(1000),
    availabilityZone: z.string().min(1).max(255).nullable(),
    /** an admin's forced host (`zone:host`) */
    forceHost: hostName.nullable(),
    keyName: z.string().min(1).max(255).nullable(),
    metadata: metadataMap,
    userData: z.string().max(65_535).nullable(),
    description: z.string().max(255).nullable(),
    hostname: z.string().max(255).nullable(),
    serverGroup: z.uuid().nullable(),
    /** every hint as given (`group` included), for the request spec and the API's view */
    schedulerHints: schedulerHintsSchema,
    accessIpV4: z.string().max(64).nullable(),
    accessIpV6: z.string().max(64).nullable(),
  }),
  reply: z.object({
    reservationId: z.string(),
    servers: z.array(instanceSchema),
  }),
});
