// Console tokens as consoleauth and the conductor exchange them. The token itself never leaves
// consoleauth and the client it was issued to: only its SHA-256 is stored.
import { z } from "zod";
import { CONSOLE_TYPES } from "../domain/console.js";
import { powerStateSchema, taskStateSchema, vmStateSchema } from "../domain/states.js";
import { hostName, isoDate, projectId, userId } from "./common.js";

/** The SHA-256 of a token, lowercase hex. */
export const consoleTokenHash = z.string().regex(/^[0-9a-f]{64}$/, "a SHA-256 in lowercase hex");

export const consoleTokenFields = z.object({
  tokenHash: consoleTokenHash,
  consoleType: z.enum(CONSOLE_TYPES),
  instanceUuid: z.uuid(),
  /** the compute service the instance was on when the token was issued */
  computeHost: hostName,
  /** the display's address as the proxy reaches it */
  host: z.string().min(1).max(255),
  port: z.number().int().min(1).max(65535),
  /** who asked for it (absent for system requests) */
  userId: userId.nullable(),
  projectId: projectId.nullable(),
  expiresAt: isoDate,
});
export type ConsoleTokenFields = z.infer<typeof consoleTokenFields>;

export const consoleTokenRecordSchema = consoleTokenFields.omit({ tokenHash: true }).extend({
  /** the instance as it is now */
  instance: z.object({
    vmState: vmStateSchema,
    /** absent from a 1.0 reply */
    taskState: taskStateSchema.nullable().optional(),
    powerState: powerStateSchema,
    host: hostName.nullable(),
    deleted: z.boolean(),
  }),
});
export type ConsoleTokenRecord = z.infer<typeof consoleTokenRecordSchema>;
