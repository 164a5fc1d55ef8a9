// scheduler.sync_instance_info — a compute host tells the schedulers which instances it runs, so
// their in-memory view of the hosts heals after a missed update (Nova's SchedulerClient does the
// same). Sent as a fanout: every scheduler keeps its own view.
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCast } from "../contract.js";

export const syncInstanceInfo = defineCast({
  service: "scheduler",
  name: "sync_instance_info",
  version: "1.0",
  request: z.object({
    host: z.string().min(1).max(255),
    instanceUuids: z.array(z.uuid()).max(10_000),
  }),
});
