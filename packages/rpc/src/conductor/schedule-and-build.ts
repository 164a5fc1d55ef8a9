// conductor.schedule_and_build — the conductor's own durable to-do item for new servers: pick hosts
// (scheduler.select_destinations), claim their resources and cast the builds. A conductor that dies
// mid-way gets the message again after its restart; the handler skips what is already done.
// Also sent to reschedule a server whose build failed on its host.
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCast } from "../contract.js";

export const scheduleAndBuild = defineCast({
  service: "conductor",
  name: "schedule_and_build",
  version: "1.0",
  request: z.object({
    instanceUuids: z.array(z.uuid()).min(1).max(1000),
  }),
});
