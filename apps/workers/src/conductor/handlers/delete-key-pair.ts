// conductor.delete_key_pair: remove one of a user's key pairs (servers keep the key they got).
import { deleteKeyPair, handler } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import { deleteKeyPair as removeKeyPair } from "../repositories/key-pairs";
import { keyPairNotFound } from "./get-key-pair";

export const deleteKeyPairHandler = (c: Conductor) =>
  handler(deleteKeyPair, async (req, meta) => {
    if (!(await removeKeyPair(c.sql, req.userId, req.name, c.now()))) {
      throw keyPairNotFound(req.name, req.userId);
    }
    meta.logger.info({ name: req.name, userId: req.userId }, "key pair deleted");
    return {};
  });
