// conductor.create_key_pair — store a user's public key, already checked and fingerprinted by the
// API. A taken name is a `conflict`; the user's key_pairs quota is counted exactly, under a lock.
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";
import { projectId, userId } from "../models/common.js";
import { KEY_PAIR_TYPES, keyPairSchema } from "../models/keypair.js";

export const createKeyPair = defineCall({
  service: "conductor",
  name: "create_key_pair",
  version: "1.0",
  request: z.object({
    userId,
    /** the project whose quota limits apply (the caller's) */
    projectId,
    name: z.string().min(1).max(255),
    type: z.enum(KEY_PAIR_TYPES),
    publicKey: z.string().min(1).max(65_535),
    fingerprint: z.string().min(1).max(255),
  }),
  reply: keyPairSchema,
});
