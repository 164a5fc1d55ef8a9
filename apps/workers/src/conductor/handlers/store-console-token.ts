// conductor.store_console_token: keep a console token's hash for consoleauth.
import { handler, storeConsoleToken } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import { instanceNotFound } from "../messages";
import { insertToken } from "../repositories/console-tokens";

export const storeConsoleTokenHandler = (c: Conductor) =>
  handler(storeConsoleToken, async (req) => {
    if (!(await insertToken(c.sql, req, c.now()))) throw instanceNotFound(req.instanceUuid);
    return {};
  });
