// conductor.list_key_pairs: a user's key pairs by name.
import { handler, listKeyPairs, RpcError } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import { listKeyPairs as readKeyPairs } from "../repositories/key-pairs";

export const listKeyPairsHandler = (c: Conductor) =>
  handler(listKeyPairs, async (req) => {
    const keyPairs = await readKeyPairs(c.sql, req.userId, req);
    if (keyPairs === "marker") {
      throw new RpcError("invalid", `Marker ${req.marker} could not be found.`);
    }
    return { keyPairs };
  });
