// Small schemas reused by many contracts.
import { z } from "zod";

export const isoDate = z.iso.datetime({ offset: true });
export const hostName = z.string().min(1).max(255);
/** Keystone ids are 32 hex chars; noauth2 test tokens may name any string that fits the same column. */
export const projectId = z.string().min(1).max(32);
export const userId = z.string().min(1).max(32);
export const metadataMap = z.record(z.string().min(1).max(255), z.string().max(255));
export const pageRequest = {
  limit: z.number().int().min(0).max(1000).optional(),
  /** the id of the last item of the previous page */
  marker: z.string().min(1).max(255).optional(),
};
/**
 * Scheduler hints as Nova's request spec keeps them: every value a list (`{"group": ["<uuid>"]}`).
 * Hints no filter here reads are kept and shown, and otherwise ignored, as in Nova.
 */
export const schedulerHintsSchema = z.record(
  z.string().min(1).max(255),
  z.array(z.json()).max(1000),
);
