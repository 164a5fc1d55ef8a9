// The conductor's handles on the database, transactions that survive deadlocks, and the MySQL
// error codes the repositories turn into answers. Nothing here leaks driver or Prisma types upward:
// handlers see `SqlPool`/`Tx` only as opaque handles they pass back into repository functions.
//
// Every repository runs on the driver's pool (`SqlPool`), through packages/db's raw door alone
// (`@nimbus/db/sql`): importing `@nimbus/db` itself would load Prisma's generated client, ~50 MiB
// of the conductor's memory for nothing. Repository functions take `Sql`, which Prisma's client
// also satisfies, so tests may run them on theirs.
import {
  createSqlPool,
  Prisma,
  SqlError,
  type Sql,
  type SqlPool,
  type SqlTransaction,
} from "@nimbus/db/sql";

export type { Sql, SqlPool };
/** A transaction (repository functions that must run in one say so by taking a Tx). */
export type Tx = SqlTransaction;

export { Prisma };

export function openSqlPool(url: string, poolSize: number): SqlPool {
  return createSqlPool(url, { connectionLimit: poolSize });
}

/** The MySQL/MariaDB error number behind a failed statement, if any. */
export function mysqlCode(err: unknown): string | undefined {
  return err instanceof SqlError ? String(err.errno) : undefined;
}

/** The server's own message for a failed statement. */
export function mysqlMessage(err: unknown): string | undefined {
  return err instanceof SqlError ? (err.sqlMessage ?? undefined) : undefined;
}

export const isUniqueViolation = (err: unknown) => mysqlCode(err) === "1062";

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
