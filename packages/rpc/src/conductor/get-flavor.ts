// conductor.get_flavor — one flavor by its public id (flavorid), if the project may see it.
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";
import { projectId } from "../models/common.js";
import { flavorSchema } from "../models/flavor.js";

export const getFlavor = defineCall({
  service: "conductor",
  name: "get_flavor",
  version: "1.0",
  request: z.object({
    flavorid: z.string().min(1).max(255),
    /** public flavors and the private ones granted to this project; null: any (admins) */
    projectId: projectId.nullable(),
  }),
  reply: flavorSchema,
});
