// The second door to the same database: the `mariadb` driver's own pool, for the statements on the
// conductor's hot path. Prisma stays the schema, the migrations and the typed client; a statement
// through its client costs ~0.6 ms of CPU against ~0.15–0.2 ms through the driver (measured here,
// docs/performance.md), and a boot is dozens of them.
//
// It takes the same tagged templates as Prisma's $queryRaw / $executeRaw (Prisma.sql fragments,
// Prisma.join, Prisma.raw, Prisma.empty) and gives the same JavaScript values back (sql.int.test.ts
// compares both doors on every column type of the schema), so a repository function runs on either.
// On top of that: several statements in one round trip (`batch`), and transactions whose BEGIN
// travels with their first statements and whose COMMIT may travel with their last.
//
// Its own entry (`@nimbus/db/sql`): the fragments come from Prisma's small runtime-utils package,
// not from the generated client, so a process on this door alone never loads Prisma's client
// (~50 MiB resident, ~100 MiB once it has run a query).
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import type * as Fragments from "@prisma/client-runtime-utils";
import * as mariadb from "mariadb";
import { parseDatabaseUrl } from "./url";
import type { PoolOptions } from "./index";

// Under Node, Prisma's client runs the CommonJS build of runtime-utils; requiring it here gives the
// same Sql class (an ES import would load its ES build, a second class), so fragments made by
// either door nest in the other's templates.
const fragments: typeof Fragments = createRequire(import.meta.url)("@prisma/client-runtime-utils");

/** Tagged-template fragments, as Prisma's namespace has them. */
export const Prisma = {
  sql: fragments.sql,
  join: fragments.join,
  raw: fragments.raw,
  empty: fragments.empty,
  Sql: fragments.Sql,
};
// eslint-disable-next-line @typescript-eslint/no-namespace -- types only, merged with the value
export declare namespace Prisma {
  export type Sql = Fragments.Sql;
}

type Template = TemplateStringsArray | Prisma.Sql;

/** What the repositories run statements on: a pool, a transaction, or a Prisma client. */
export interface Sql {
  /** Rows of a query (typed by the caller: `$queryRaw<Row[]>`). */
  $queryRaw<T = unknown>(query: Template, ...values: unknown[]): Promise<T>;
  /** Rows changed (or inserted) by a statement. */
  $executeRaw(query: Template, ...values: unknown[]): Promise<number>;
}

export interface StatementResult {
  /** the rows of a SELECT (or of INSERT … RETURNING); empty for other statements */
  rows: Record<string, unknown>[];
  /** rows changed by an INSERT / UPDATE / DELETE; 0 for a SELECT */
  affectedRows: number;
}

/** A connection of the pool, or a transaction on one: statements and batches of them. */
export interface SqlSession extends Sql {
  /**
   * The statements, in order, as one multi-statement query: one round trip. Stops at the first
   * statement that fails (that error is thrown; in a transaction, the earlier ones stay done
   * until the rollback).
   */
  batch(statements: Prisma.Sql[]): Promise<StatementResult[]>;
}

/** A transaction: a session, plus ending it in the same round trip as its last statements. */
export interface SqlTransaction extends SqlSession {
  /**
   * The statements, then COMMIT, in one round trip: the transaction's last step (nothing may be
   * sent on it afterwards). If a statement fails, nothing is committed and the error is thrown.
   * `then`, statements sent after the COMMIT in the same round trip (reads of what was just
   * committed, e.g. for a notification), run outside the transaction; their results follow.
   */
  commitWith(statements: Prisma.Sql[], then?: Prisma.Sql[]): Promise<StatementResult[]>;
}

export interface SqlPool extends SqlSession {
  /**
   * Run `fn` in a transaction on one connection: committed if it resolves (unless it committed
   * with `commitWith`), rolled back if it throws. BEGIN is sent with the transaction's first
   * statements, not on its own.
   */
  transaction<T>(fn: (tx: SqlTransaction) => Promise<T>): Promise<T>;
  end(): Promise<void>;
}

/** The driver's error for a failed statement (with `errno`, e.g. 1062 for a duplicate key). */
export const SqlError = mariadb.SqlError;
export type SqlError = mariadb.SqlError;

const toSql = (query: Template, values: unknown[]): Prisma.Sql =>
  query instanceof Prisma.Sql ? query : Prisma.sql(query, ...(values as Prisma.Sql[]));

interface Driver {
  query(sql: string, values?: unknown): Promise<unknown>;
}

function normalize(result: unknown): StatementResult {
  if (Array.isArray(result)) return { rows: result as Record<string, unknown>[], affectedRows: 0 };
  const ok = result as { affectedRows?: number };
  return { rows: [], affectedRows: Number(ok.affectedRows ?? 0) };
}

/** Where a transaction is: BEGIN not sent yet, open, or committed by commitWith. */
interface TxState {
  phase: "unsent" | "open" | "committed";
}

/** Statements on `driver`; in a transaction, BEGIN goes with the first round trip. */
function session(driver: Driver, tx?: TxState) {
  const send = async (
    statements: Prisma.Sql[],
    commit = false,
    then: Prisma.Sql[] = [],
  ): Promise<unknown[]> => {
    if (tx?.phase === "committed") throw new Error("the transaction was committed already");
    const begin = tx?.phase === "unsent";
    if (tx) tx.phase = "open";
    const all = [
      ...(begin ? [Prisma.sql`START TRANSACTION`] : []),
      ...statements,
      ...(commit ? [Prisma.sql`COMMIT`] : []),
      ...then,
    ];
    const joined = Prisma.join(all, ";\n");
    const result = await driver.query(joined.sql, joined.values);
    if (commit && tx) tx.phase = "committed";
    // One statement gives its result; several, an array of theirs.
    const results = all.length === 1 ? [result] : (result as unknown[]);
    const first = begin ? 1 : 0;
    const mine = results.slice(first, first + statements.length);
    return then.length === 0 ? mine : [...mine, ...results.slice(-then.length)];
  };
  return {
    async $queryRaw<T>(query: Template, ...values: unknown[]) {
      const [result] = await send([toSql(query, values)]);
      return (Array.isArray(result) ? [...result] : []) as T;
    },
    async $executeRaw(query: Template, ...values: unknown[]) {
      const [result] = await send([toSql(query, values)]);
      return normalize(result).affectedRows;
    },
    async batch(statements: Prisma.Sql[]) {
      if (statements.length === 0) return [];
      return (await send(statements)).map(normalize);
    },
    async commitWith(statements: Prisma.Sql[], then: Prisma.Sql[] = []) {
      return (await send(statements, true, then)).map(normalize);
    },
  };
}

/** A pool on the database at `url` (mysql://user:password@host:port/database). */
export function createSqlPool(url: string, options: PoolOptions = {}): SqlPool {
  const { host, port, user, password, database } = parseDatabaseUrl(url);
  const connectionLimit = options.connectionLimit ?? availableParallelism() * 2 + 1;
  const pool = mariadb.createPool({
    host,
    port,
    user,
    password,
    database,
    connectionLimit,
    // Connections open on demand and close when idle, as Prisma's pool does.
    minimumIdle: Math.min(2, connectionLimit),
    acquireTimeout: options.acquireTimeoutMs ?? 10_000,
    idleTimeout: options.idleTimeoutSeconds ?? 600,
    // The values Prisma's raw queries give: UTC dates, BigInt for BIGINT, JSON columns parsed.
    timezone: "Z",
    bigIntAsNumber: false,
    insertIdAsNumber: true,
    autoJsonMap: true,
    decimalAsNumber: true,
    multipleStatements: true,
  });
  const { commitWith: _noTransaction, ...statements } = session(pool);
  return {
    ...statements,
    async transaction(fn) {
      const conn = await pool.getConnection();
      const state: TxState = { phase: "unsent" };
      try {
        const result = await fn(session(conn, state));
        // Nothing sent: no transaction to end; committed with its last statements: done.
        if (state.phase === "open") await conn.query("COMMIT");
        return result;
      } catch (err) {
        if (state.phase === "open") await conn.query("ROLLBACK").catch(() => undefined);
        throw err;
      } finally {
        await conn.release();
      }
    },
    end: () => pool.end(),
  };
}
