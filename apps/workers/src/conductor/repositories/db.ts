// The conductor's handle on the database, transactions that survive deadlocks, and the MySQL
// error codes the repositories turn into answers. Nothing here leaks Prisma types upward: handlers
// see `Db`/`Tx` only as opaque handles they pass back into repository functions.
import { createDb, Prisma, type Db } from "@nimbus/db";

export type { Db };
export type Tx = Prisma.TransactionClient;
/** Either the client or a transaction: anything repository reads can run on. */
export type Sql = Db | Tx;

export { Prisma };

export function openDatabase(url: string, poolSize: number): Db {
  return createDb(url, { connectionLimit: poolSize });
}

/** The MySQL/MariaDB error number behind a Prisma error (typed or raw query), if any. */
export function mysqlCode(err: unknown): string | undefined {
  if (!(err instanceof Prisma.PrismaClientKnownRequestError)) return undefined;
  const cause = (err.meta as { driverAdapterError?: { cause?: { originalCode?: unknown } } })
    ?.driverAdapterError?.cause;
  return cause?.originalCode === undefined ? undefined : String(cause.originalCode);
}

export const isUniqueViolation = (err: unknown) =>
  mysqlCode(err) === "1062" ||
  (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002");

/**
 * Deadlock (1213), lock wait timeout (1205), or a deadlock on InnoDB's AUTO-INC lock, which
 * MariaDB reports as "Failed to read auto-increment value" (1467): the transaction may be run again.
 */
const isTransient = (err: unknown) =>
  ["1213", "1205", "1467"].includes(mysqlCode(err) ?? "") ||
  (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2034");

/**
 * Run `fn` in a transaction; a deadlock rolls it back and runs it again (up to 4 tries).
 *
 * Transactions run at MariaDB's REPEATABLE READ, whose snapshot is taken at the first plain
 * (non-locking) SELECT. The ones that count rows to decide (quota, group policy) therefore take
 * their lock first and count after it, so the count sees everything committed before the lock was
 * granted.
 */
export async function transaction<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.$transaction(fn, { maxWait: 10_000, timeout: 30_000 });
    } catch (err) {
      if (attempt >= 4 || !isTransient(err)) throw err;
      await new Promise((r) => setTimeout(r, 5 * attempt + Math.random() * 10));
    }
  }
}

/** An IN (...) list for tagged $queryRaw templates; callers make sure `values` is not empty. */
export const inList = (values: readonly (string | number)[]) => Prisma.join(values);
