// Building blocks for each process's own config module. Processes call
// `parseConfig(schema, process.env)` in their config.ts; nothing else reads the environment.
import { hostname } from "node:os";
import { z } from "zod";

export const logLevel = z
  .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"])
  .default("info");

/** Settings every process shares: the bus and logging. */
export const commonSettings = {
  NIMBUS_AMQP_URL: z.string().url().default("amqp://guest:guest@127.0.0.1:5672/"),
  NIMBUS_LOG_LEVEL: logLevel,
  /** This machine's name as the cloud knows it (Nova's `[DEFAULT] host`). */
  NIMBUS_HOST: z.string().min(1).max(255).default(hostname()),
};

/** An integer from the environment, where everything is a string. */
export const envInt = (fallback: number) => z.coerce.number().int().default(fallback);

/** A boolean from the environment: "1"/"true"/"yes" and "0"/"false"/"no". */
export const envBool = (fallback: boolean) =>
  z
    .enum(["1", "0", "true", "false", "yes", "no"])
    .default(fallback ? "true" : "false")
    .transform((v) => v === "1" || v === "true" || v === "yes");

export class ConfigError extends Error {
  override name = "ConfigError";
}

/**
 * Parse the environment against a schema. Unknown variables are ignored; a bad value stops the
 * process at start-up with every problem listed, rather than failing later at first use.
 */
export function parseConfig<S extends z.ZodRawShape>(
  shape: S,
  env: Record<string, string | undefined>,
): z.infer<z.ZodObject<S>> {
  // Empty strings mean "unset", as in most shells' `FOO= cmd`.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const result = z.object(shape).safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join("\n")}`);
  }
  return result.data;
}
