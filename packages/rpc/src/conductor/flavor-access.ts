// conductor.flavor_access — the projects a private flavor is granted to, after an optional
// change (addTenantAccess / removeTenantAccess). A public flavor has no access list: reading it
// is `not_found`, changing it a `conflict`, as Nova answers (≥ 2.7).
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";
import { projectId } from "../models/common.js";

export const flavorAccess = defineCall({
  service: "conductor",
  name: "flavor_access",
  version: "1.0",
  request: z.object({
    flavorid: z.string().min(1).max(255),
    change: z.object({ action: z.enum(["add", "remove"]), projectId }).nullable(),
  }),
  reply: z.object({ projects: z.array(projectId) }),
});
