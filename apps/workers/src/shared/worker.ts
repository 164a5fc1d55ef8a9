// What every worker process does the same way: connect to the bus, start its part, log one line
// per lifecycle event, and on SIGTERM/SIGINT stop taking work, finish what is in flight and exit.
import { connectBus, createLogger, type Bus, type Logger, type LogLevel } from "@nimbus/rpc";

export interface WorkerSettings {
  NIMBUS_AMQP_URL: string;
  NIMBUS_LOG_LEVEL: LogLevel;
  NIMBUS_HOST: string;
  /** Handlers running at once per consumer channel (the bus's default when absent). */
  NIMBUS_RPC_PREFETCH?: number;
}

export interface Running {
  /** Stop taking new work; resolves when what was in flight is done. */
  stop(): Promise<void>;
}

export interface WorkerDeps<C> {
  config: C;
  bus: Bus;
  logger: Logger;
}

export async function runWorker<C extends WorkerSettings>(
  service: string,
  config: C,
  start: (deps: WorkerDeps<C>) => Promise<Running>,
): Promise<void> {
  const logger = createLogger(service, config.NIMBUS_LOG_LEVEL, { host: config.NIMBUS_HOST });
  process.on("uncaughtException", (err) => {
    logger.fatal({ err }, "uncaught exception; exiting");
    process.exit(1);
  });
  process.on("unhandledRejection", (err) => {
    logger.fatal({ err }, "unhandled rejection; exiting");
    process.exit(1);
  });

  const bus = await connectBus({
    url: config.NIMBUS_AMQP_URL,
    service,
    host: config.NIMBUS_HOST,
    logger,
    prefetch: config.NIMBUS_RPC_PREFETCH,
  });
  const running = await start({ config, bus, logger });
  logger.info({ pid: process.pid }, `${service} started`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, `${service} stopping`);
    const force = setTimeout(() => {
      logger.error("shutdown took too long; exiting");
      process.exit(1);
    }, 30_000);
    force.unref();
    try {
      await running.stop();
      await bus.close();
      logger.info(`${service} stopped`);
      process.exit(0);
    } catch (err) {
      logger.error({ err }, "shutdown failed");
      process.exit(1);
    }
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}
