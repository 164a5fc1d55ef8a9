import { pino, type Logger } from "pino";
import type { WebConfig } from "./env";

export type { Logger };

export function createLogger(config: Pick<WebConfig, "NIMBUS_LOG_LEVEL" | "NIMBUS_HOST">): Logger {
  return pino({
    level: config.NIMBUS_LOG_LEVEL,
    base: { service: "web", host: config.NIMBUS_HOST },
  });
}
