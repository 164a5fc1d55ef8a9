// The consoleauth process's settings: the only place in consoleauth that reads the environment.
// Nova's option names are in the comments.
import { commonSettings, parseConfig } from "@nimbus/rpc";
import { z } from "zod";

export const consoleauthSettings = {
  ...commonSettings,
  /** [consoleauth] token_ttl: seconds a console token (URL) stays valid for opening a session. */
  NIMBUS_CONSOLE_TOKEN_TTL: z.coerce.number().int().min(1).max(86_400).default(600),
  /** [DEFAULT] report_interval: seconds between heartbeats. */
  NIMBUS_REPORT_INTERVAL: z.coerce.number().positive().default(10),
};

export type ConsoleauthConfig = ReturnType<typeof parseConsoleauthConfig>;

export function parseConsoleauthConfig(env: Record<string, string | undefined>) {
  return parseConfig(consoleauthSettings, env);
}

export const loadConsoleauthConfig = () => parseConsoleauthConfig(process.env);
