// conductor.get_key_pair — one of a user's key pairs by name (another user's is not found).
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";
import { userId } from "../models/common.js";
import { keyPairSchema } from "../models/keypair.js";

export const getKeyPair = defineCall({
  service: "conductor",
  name: "get_key_pair",
  version: "1.0",
  request: z.object({ userId, name: z.string().min(1).max(255) }),
  reply: keyPairSchema,
});
