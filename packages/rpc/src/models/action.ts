// Instance actions and their events (os-instance-actions): who did what to a server, when, and how
// each step went. The scheduler's explanation of a placement rides on an event's `details`.
import { z } from "zod";
import { hostName, isoDate, projectId, userId } from "./common.js";

export const actionEventSchema = z.object({
  event: z.string().max(255),
  startTime: isoDate,
  finishTime: isoDate.nullable(),
  result: z.enum(["Success", "Error"]).nullable(),
  traceback: z.string().nullable(),
  host: hostName.nullable(),
  details: z.string().nullable(),
});
export type ActionEvent = z.infer<typeof actionEventSchema>;

export const instanceActionSchema = z.object({
  action: z.string().max(255),
  instanceUuid: z.uuid(),
  requestId: z.string().max(255),
  userId: userId.nullable(),
  projectId: projectId.nullable(),
  startTime: isoDate,
  finishTime: isoDate.nullable(),
  message: z.string().nullable(),
  updatedAt: isoDate.nullable(),
  events: z.array(actionEventSchema),
});
export type InstanceAction = z.infer<typeof instanceActionSchema>;

/** The record a service leaves of one step of an action. */
export const eventReportSchema = z.object({
  /** Nova's names: conductor_schedule_and_build_instances, compute_build_and_run_instance, … */
  event: z.string().min(1).max(255),
  phase: z.enum(["start", "finish"]),
  result: z.enum(["Success", "Error"]).optional(),
  traceback: z.string().max(65_535).optional(),
  details: z.string().max(65_535).optional(),
});
export type EventReport = z.infer<typeof eventReportSchema>;
