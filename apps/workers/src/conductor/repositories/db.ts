// The conductor's handles on the database, transactions that survive deadlocks, and the MySQL
// error codes the repositories turn into answers. Nothing here leaks driver or Prisma types upward:
// handlers see `SqlPool`/`Tx` only as opaque handles they pass back into repository functions.
//
// Two doors to one database (packages/db): the driver's pool (`SqlPool`), which every repository
// runs on, and Prisma's typed client (`Db`), kept for the identity repository's model queries and
// for tests. Repository functions take `Sql`, which both satisfy.
import {
  createDb,
  createSqlPool,
  Prisma,
  SqlError,
  type Db,
  type Sql,
  type SqlPool,
  type SqlTransaction,
} from "@nimbus/db";

export type { Db, Sql, SqlPool };
/** A transaction (repository functions that must run in one say so by taking a Tx). */
export type Tx = SqlTransaction;

export { Prisma };

export function openDatabase(url: string, poolSize: number): Db {
  return createDb(url, { connectionLimit: poolSize });
}

export function openSqlPool(url: string, poolSize: number): SqlPool {
  return createSqlPool(url, { connectionLimit: poolSize });
}

/** The MySQL/MariaDB error number behind a failed statement (either door), if any. */
export function mysqlCode(err: unknown): string | undefined {
  if (err instanceof SqlError) return String(err.errno);
  if (!(err instanceof Prisma.PrismaClientKnownRequestError)) return undefined;
  const cause = (err.meta as { driverAdapterError?: { cause?: { originalCode?: unknown } } })
    ?.driverAdapterError?.cause;
  return cause?.originalCode === undefined ? undefined : String(cause.originalCode);
}

/** The server's own message for a failed statement (either door). */
export function mysqlMessage(err: unknown): string | undefined {
  if (err instanceof SqlError) return err.sqlMessage ?? undefined;
  return (err as { meta?: { driverAdapterError?: { cause?: { originalMessage?: string } } } }).meta
    ?.driverAdapterError?.cause?.originalMessage;
}

export const isUniqueViolation = (err: unknown) =>
  mysqlCode(err) === "1062" ||
  (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002");

/**
 * Deadlock (1213), lock wait timeout (1205), or a deadlock on InnoDB's AUTO-INC lock, which
 * MariaDB reports as "Failed to read auto-increment value" (1467): the transaction may be run again.
 */
const isTransient = (err: unknown) => ["1213", "1205", "1467"].includes(mysqlCode(err) ?? "");

/**
 * Run `fn` in a transaction; a deadlock rolls it back and runs it again (up to 4 tries).
 *
 * Transactions run at MariaDB's REPEATABLE READ, whose snapshot is taken at the first plain
 * (non-locking) SELECT. The ones that count rows to decide (quota, group policy) therefore take
 * their lock first and count after it, so the count sees everything committed before the lock was
 * granted.
 */
export async function transaction<T>(pool: SqlPool, fn: (tx: Tx) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await pool.transaction(fn);
    } catch (err) {
      if (attempt >= 4 || !isTransient(err)) throw err;
      await new Promise((r) => setTimeout(r, 5 * attempt + Math.random() * 10));
    }
  }
}

/** An IN (...) list for tagged templates; callers make sure `values` is not empty. */
export const inList = (values: readonly (string | number)[]) => Prisma.join(values);
