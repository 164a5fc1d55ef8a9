// The database client for the conductor (the only process allowed to import this package).
// Prisma 7 runs without a native engine: queries go through the MariaDB driver adapter, which
// also speaks to MySQL 8. Measured on the 2-core dev machine: a findUnique by primary key takes
// 0.7–1.2 ms with the box busy (load ~5.5), against 0.15–0.3 ms for the same SELECT on the raw
// driver; environment.md saw ~0.6 ms on an idle machine.
import { availableParallelism } from "node:os";
import { PrismaMariaDb } from "@prisma/adapter-mariadb";
import { PrismaClient } from "./generated/prisma/client";
import { parseDatabaseUrl } from "./url";

export interface PoolOptions {
  /** Connections kept open at most; default 2 × cores + 1 (5 on a 2-core machine), Prisma's old rule. */
  connectionLimit?: number;
  /** How long a query waits for a free connection before failing, in ms (default 10 s). */
  acquireTimeoutMs?: number;
  /** Close connections idle for this long, in seconds (default 600). */
  idleTimeoutSeconds?: number;
}

export type Db = PrismaClient;

/** A client on the database at `url` (mysql://user:password@host:port/database). */
export function createDb(url: string, pool: PoolOptions = {}): Db {
  const { host, port, user, password, database } = parseDatabaseUrl(url);
  const adapter = new PrismaMariaDb({
    host,
    port,
    user,
    password,
    database,
    connectionLimit: pool.connectionLimit ?? availableParallelism() * 2 + 1,
    acquireTimeout: pool.acquireTimeoutMs ?? 10_000,
    idleTimeout: pool.idleTimeoutSeconds ?? 600,
    // Sessions run in UTC, so CURRENT_TIMESTAMP(3) defaults agree with the UTC the client writes.
    timezone: "Z",
  });
  return new PrismaClient({ adapter });
}

// Model types (Instance, ComputeNode, ...), the Prisma namespace (Prisma.InstanceWhereInput,
// Prisma.TransactionClient, Prisma.PrismaClientKnownRequestError, ...) and PrismaClient.
export * from "./generated/prisma/client";
export { migrate, MigrationError, type MigrateOptions, type MigrateResult } from "./migrate";
export {
  createSqlPool,
  SqlError,
  type Sql,
  type SqlPool,
  type SqlSession,
  type SqlTransaction,
  type StatementResult,
} from "./sql";
