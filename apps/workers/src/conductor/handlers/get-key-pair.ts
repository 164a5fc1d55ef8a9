// conductor.get_key_pair: one of a user's key pairs by name.
import { getKeyPair, handler, RpcError } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import { getKeyPair as readKeyPair } from "../repositories/key-pairs";

export const keyPairNotFound = (name: string, userId: string) =>
  new RpcError("not_found", `Keypair ${name} not found for user ${userId}`);

export const getKeyPairHandler = (c: Conductor) =>
  handler(getKeyPair, async (req) => {
    const keyPair = await readKeyPair(c.sql, req.userId, req.name);
    if (!keyPair) throw keyPairNotFound(req.name, req.userId);
    return keyPair;
  });
