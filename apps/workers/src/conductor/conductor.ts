// The conductor process's parts wired together: the database, the handlers on the bus, the
// periodic tasks. main.ts runs it under runWorker; tests start it on a memory bus or a test vhost.
import type { Bus, Logger } from "@nimbus/rpc";
import type { Running } from "../shared/worker";
import type { ConductorConfig } from "./config";
import { livenessOf, type Conductor } from "./deps";
import { conductorHandlers } from "./handlers";
import { createNotifier } from "./notifier";
import { periodicTasks, startPeriodicTasks, type PeriodicTask } from "./periodic";
import { ServiceStates } from "./periodic/service-states";
import { openSqlPool, type SqlPool } from "./repositories/db";

const FLUSH_ON_STOP_MS = 5_000;

export interface ConductorOptions {
  config: ConductorConfig;
  bus: Bus;
  logger: Logger;
  /** an open pool to use (and leave open); otherwise one is opened from the config */
  sql?: SqlPool;
  now?: () => Date;
  /** which periodic tasks to run (default: all) */
  periodic?: (tasks: PeriodicTask[]) => PeriodicTask[];
}

export interface RunningConductor extends Running {
  conductor: Conductor;
}

export function createConductor(
  opts: Omit<ConductorOptions, "periodic"> & { sql: SqlPool },
): Conductor {
  const now = opts.now ?? (() => new Date());
  const liveness = () => livenessOf(opts.config, now());
  return {
    sql: opts.sql,
    bus: opts.bus,
    config: opts.config,
    logger: opts.logger,
    notifier: createNotifier({ bus: opts.bus, sql: opts.sql, logger: opts.logger, liveness }),
    services: new ServiceStates(),
    now,
    liveness,
  };
}

export async function startConductor(opts: ConductorOptions): Promise<RunningConductor> {
  const { NIMBUS_DATABASE_URL: url, NIMBUS_DB_POOL_SIZE: poolSize } = opts.config;
  const sql = opts.sql ?? openSqlPool(url, poolSize);
  const conductor = createConductor({ ...opts, sql });
  const server = await opts.bus.serve({ service: "conductor" }, conductorHandlers(conductor));
  const all = periodicTasks(conductor);
  const periodic = startPeriodicTasks(conductor, opts.periodic ? opts.periodic(all) : all);
  return {
    conductor,
    async stop() {
      await server.close();
      await periodic.stop();
      // Notifications still queued go out if the broker is there; without it they would each wait
      // for their send timeout, so shutdown waits a few seconds at most (subscribers re-read state).
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        conductor.notifier.flush(),
        new Promise((resolve) => (timer = setTimeout(resolve, FLUSH_ON_STOP_MS))),
      ]);
      clearTimeout(timer);
      if (!opts.sql) await sql.end();
    },
  };
}
