// conductor.list_hypervisors — os-hypervisors: compute nodes with their capacity and usage.
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";
import { pageRequest } from "../models/common.js";
import { computeNodeSchema } from "../models/host.js";

export const listHypervisors = defineCall({
  service: "conductor",
  name: "list_hypervisors",
  version: "1.0",
  request: z.object({
    /** a substring of the hypervisor hostname (Nova's hypervisor_hostname_pattern) */
    hostnamePattern: z.string().max(255).optional(),
    /** by uuid or integer id */
    ref: z.union([z.uuid(), z.number().int()]).optional(),
    /** also the uuids and names of the servers on each node */
    withServers: z.boolean().optional(),
    ...pageRequest,
  }),
  reply: z.object({
    hypervisors: z.array(
      computeNodeSchema.extend({
        servers: z.array(z.object({ uuid: z.uuid(), name: z.string() })).optional(),
      }),
    ),
  }),
});
