// What every conductor handler and periodic task works with.
import type { Bus, Logger } from "@nimbus/rpc";
import type { ConductorConfig } from "./config";
import type { Notifier } from "./notifier";
import type { ServiceStates } from "./periodic/service-states";
import type { SqlPool } from "./repositories/db";
import type { Liveness } from "./repositories/mapping";

export interface Conductor {
  /** the driver's pool: every repository runs on it */
  sql: SqlPool;
  bus: Bus;
  config: ConductorConfig;
  logger: Logger;
  notifier: Notifier;
  /** what was last published about each service's state */
  services: ServiceStates;
  /** the clock (tests of liveness and recovery move it) */
  now(): Date;
  /** what up/down is judged by, now */
  liveness(): Liveness;
}

export function livenessOf(config: ConductorConfig, now: Date): Liveness {
  return {
    downTimeMs: config.NIMBUS_SERVICE_DOWN_TIME * 1000,
    now,
    defaultZone: config.NIMBUS_DEFAULT_AVAILABILITY_ZONE,
  };
}
