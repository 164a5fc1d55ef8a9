// Settings for the bus's test helpers (integration tests and the benchmark).
import { z } from "zod";
import { commonSettings, parseConfig } from "../config.js";

export function testConfig(env: Record<string, string | undefined> = process.env) {
  return parseConfig(
    {
      NIMBUS_AMQP_URL: commonSettings.NIMBUS_AMQP_URL,
      /** RabbitMQ's management API, where tests create and delete their own vhosts. */
      NIMBUS_RABBITMQ_API_URL: z.url().default("http://guest:guest@127.0.0.1:15672/api"),
    },
    env,
  );
}
