// The one logger factory every process uses: pino, one JSON line per event, with the service and
// host on every line. Children made by the bus add requestId and the message name.
import { hostname } from "node:os";
import { pino, type DestinationStream, type Logger } from "pino";
import type { z } from "zod";
import type { logLevel } from "./config.js";

export type { Logger } from "pino";
export type LogLevel = z.infer<typeof logLevel>;

export function createLogger(
  service: string,
  level: LogLevel = "info",
  options: { host?: string; destination?: DestinationStream } = {},
): Logger {
  const base = { service, host: options.host ?? hostname() };
  const opts = { level, base, timestamp: pino.stdTimeFunctions.isoTime };
  return options.destination ? pino(opts, options.destination) : pino(opts);
}
