// conductor.action_event — start or finish one step (event) of the action a request started on a
// server; the request id comes from the message's context.
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";
import { eventReportSchema } from "../models/action.js";
import { hostName } from "../models/common.js";

export const actionEvent = defineCall({
  service: "conductor",
  name: "action_event",
  version: "1.0",
  request: eventReportSchema.extend({
    uuid: z.uuid(),
    host: hostName,
  }),
  reply: z.object({}),
});
