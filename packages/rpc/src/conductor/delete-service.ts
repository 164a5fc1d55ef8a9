// conductor.delete_service — remove a service and its compute node (refused while it hosts servers).
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";
import { serviceRef } from "./update-service.js";

export const deleteService = defineCall({
  service: "conductor",
  name: "delete_service",
  version: "1.0",
  request: z.object({ ref: serviceRef }),
  reply: z.object({}),
});
