// conductor.delete_key_pair — remove one of a user's key pairs by name.
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";
import { userId } from "../models/common.js";

export const deleteKeyPair = defineCall({
  service: "conductor",
  name: "delete_key_pair",
  version: "1.0",
  request: z.object({ userId, name: z.string().min(1).max(255) }),
  reply: z.object({}),
});
