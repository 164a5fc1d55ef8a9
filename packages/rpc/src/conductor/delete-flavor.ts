// conductor.delete_flavor — DELETE /flavors/{id}. Servers built with it keep their copy of it.
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";

export const deleteFlavor = defineCall({
  service: "conductor",
  name: "delete_flavor",
  version: "1.0",
  request: z.object({ flavorid: z.string().min(1).max(255) }),
  reply: z.object({}),
});
