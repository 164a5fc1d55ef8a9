// conductor.get_console_token: a console token's record, for consoleauth to decide on.
import { getConsoleToken, handler } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import { findToken } from "../repositories/console-tokens";

export const getConsoleTokenHandler = (c: Conductor) =>
  handler(getConsoleToken, async (req) => ({ record: await findToken(c.sql, req.tokenHash) }));
