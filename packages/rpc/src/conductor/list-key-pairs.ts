// conductor.list_key_pairs — a user's key pairs by name, paged with a name as the marker
// (a marker that names none of them is `invalid`).
//
// Version history:
//   1.0 – initial version
import { z } from "zod";
import { defineCall } from "../contract.js";
import { pageRequest, userId } from "../models/common.js";
import { keyPairSchema } from "../models/keypair.js";

export const listKeyPairs = defineCall({
  service: "conductor",
  name: "list_key_pairs",
  version: "1.0",
  request: z.object({ userId, ...pageRequest }),
  reply: z.object({ keyPairs: z.array(keyPairSchema) }),
});
