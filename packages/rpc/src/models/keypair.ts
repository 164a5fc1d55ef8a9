// A key pair: a user's public key (ssh or x509), named uniquely per user.
import { z } from "zod";
import { isoDate, projectId, userId } from "./common.js";

export const KEY_PAIR_TYPES = ["ssh", "x509"] as const;

export const keyPairSchema = z.object({
  /** the row id, which Nova shows in a key pair's detail */
  id: z.number().int(),
  name: z.string().min(1).max(255),
  userId,
  /** the project of the token that created it (informational: key pairs belong to users) */
  projectId: projectId.nullable(),
  fingerprint: z.string().max(255),
  publicKey: z.string(),
  type: z.enum(KEY_PAIR_TYPES),
  createdAt: isoDate,
});
export type KeyPair = z.infer<typeof keyPairSchema>;
