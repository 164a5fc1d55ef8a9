// The conductor's settings: the only place in the conductor that reads the environment, and the
// only process that receives NIMBUS_DATABASE_URL. Nova's option names are in the comments.
import { commonSettings, envInt, parseConfig } from "@nimbus/rpc";
import { z } from "zod";

/** Seconds, fractions allowed (tests run the periodic tasks fast). */
const seconds = (fallback: number) => z.coerce.number().positive().default(fallback);

export const conductorSettings = {
  ...commonSettings,
  NIMBUS_DATABASE_URL: z.string().url().default("mysql://nimbus:nimbus@127.0.0.1:3306/nimbus"),
  /** Connections kept open to the database; every transaction in flight holds one. */
  NIMBUS_DB_POOL_SIZE: envInt(10).pipe(z.number().int().min(1).max(200)),
  /** [DEFAULT] service_down_time: a service without a report for this long is down. */
  NIMBUS_SERVICE_DOWN_TIME: seconds(60),
  /** [DEFAULT] report_interval: how often the conductor records its own heartbeat. */
  NIMBUS_REPORT_INTERVAL: seconds(10),
  /** [scheduler] max_attempts: hosts a build may try before it ends in ERROR. */
  NIMBUS_MAX_ATTEMPTS: envInt(3).pipe(z.number().int().min(1).max(10)),
  /** Alternates asked of the scheduler after the chosen host (so 1 + this many hosts each). */
  NIMBUS_SCHEDULER_ALTERNATES: envInt(2).pipe(z.number().int().min(0).max(10)),
  /** [DEFAULT] default_availability_zone: the zone of every compute host. */
  NIMBUS_DEFAULT_AVAILABILITY_ZONE: z.string().min(1).max(255).default("nova"),
  /**
   * A build still waiting for a host after this long is scheduled again (it lost its
   * schedule_and_build message, e.g. the conductor died between the commit and the cast).
   */
  NIMBUS_BUILD_STUCK_TIMEOUT: seconds(60),
  /** Keystone's [token] expiration: seconds an issued token is valid. */
  NIMBUS_TOKEN_TTL: envInt(3600).pipe(z.number().int().min(1).max(7 * 24 * 3600)),
};

export type ConductorConfig = ReturnType<typeof parseConductorConfig>;

export function parseConductorConfig(env: Record<string, string | undefined>) {
  return parseConfig(conductorSettings, env);
}

export const loadConductorConfig = () => parseConductorConfig(process.env);
