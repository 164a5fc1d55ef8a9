// Configuration of the db package's own commands (migrate, seed) and of prisma.config.ts.
// Processes that use the client (the conductor) pass the URL to createDb() from their own config.
import { z } from "zod";
import { logLevel, parseConfig } from "../../rpc/src/config";

const database = {
  NIMBUS_DATABASE_URL: z.string().url().default("mysql://nimbus:nimbus@127.0.0.1:3306/nimbus"),
  NIMBUS_LOG_LEVEL: logLevel,
};

export const adminPassword = z.string().min(8, "the admin password needs at least 8 characters");

const seed = {
  ...database,
  /** Required by the seed unless given as --admin-password. */
  NIMBUS_ADMIN_PASSWORD: adminPassword.optional(),
  /** The password of the service user `nimbus` (compute hosts log in as it); unset: no such user. */
  NIMBUS_SERVICE_PASSWORD: adminPassword.optional(),
  NIMBUS_IMAGES_DIR: z.string().min(1).default("/var/lib/nimbus/images"),
  NIMBUS_SEED_IMAGE: z.string().min(1).default("/var/cache/nimbus/tiny-linux.qcow2"),
};

export const loadDatabaseConfig = () => parseConfig(database, process.env);
export const loadSeedConfig = () => parseConfig(seed, process.env);
