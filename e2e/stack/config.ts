// Settings of the test harness itself: where the services are, which image to seed, where to keep
// the processes' logs (scripts/test sets NIMBUS_TEST_ARTIFACTS so CI keeps them).
import { z } from "zod";
import { logLevel, parseConfig } from "@nimbus/rpc";

const settings = {
  NIMBUS_DATABASE_URL: z.url().default("mysql://nimbus:nimbus@127.0.0.1:3306/nimbus"),
  /** The level every process of a stack logs at. */
  NIMBUS_LOG_LEVEL: logLevel,
  NIMBUS_SEED_IMAGE: z.string().min(1).default("/var/cache/nimbus/tiny-linux.qcow2"),
  /** RabbitMQ's management API (where @nimbus/rpc/testing makes each stack's vhost). */
  NIMBUS_RABBITMQ_API_URL: z.url().default("http://guest:guest@127.0.0.1:15672/api"),
  /** When set, each stack's process logs are copied to <dir>/system/<stack> when it stops. */
  NIMBUS_TEST_ARTIFACTS: z.string().min(1).optional(),
};

export const stackConfig = () => parseConfig(settings, process.env);
