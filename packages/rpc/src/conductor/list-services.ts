// conductor.list_services — os-services, with up/down derived from heartbeats.
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";
import { hostName } from "../models/common.js";
import { serviceSchema } from "../models/host.js";

export const listServices = defineCall({
  service: "conductor",
  name: "list_services",
  version: "1.0",
  request: z.object({
    host: hostName.optional(),
    binary: z.string().max(255).optional(),
  }),
  reply: z.object({ services: z.array(serviceSchema) }),
});
