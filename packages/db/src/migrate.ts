// Applies prisma/migrations/*/migration.sql without Prisma's schema engine (which cannot be
// downloaded here), recording each one in `_prisma_migrations` exactly as `prisma migrate deploy`
// does, so that Prisma's own tooling agrees with this runner on a machine that has the engine.
// CLI: `npm run migrate -w @nimbus/db` (reads NIMBUS_DATABASE_URL).
import { createHash, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as mariadb from "mariadb";
import { pino, type Logger } from "pino";
import { loadDatabaseConfig } from "./config";
import { DatabaseUrlError, parseDatabaseUrl } from "./url";

export const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), "../prisma/migrations");

// The same advisory lock name as Prisma's MySQL connector, so this runner and `prisma migrate`
// also exclude each other.
const LOCK_NAME = "prisma_migrate";

// Prisma's own definition of the table (schema-engine, sql-schema-connector, MySQL flavour).
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             DATETIME(3),
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          DATETIME(3),
    started_at              DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    applied_steps_count     INTEGER UNSIGNED NOT NULL DEFAULT 0
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`;

export class MigrationError extends Error {
  override name = "MigrationError";
}

export interface MigrateOptions {
  migrationsDir?: string;
  logger?: Logger;
  /** How long to wait for another runner to finish before giving up. */
  lockTimeoutSeconds?: number;
}

export interface MigrateResult {
  /** Names of the migrations applied by this run, in order. */
  applied: string[];
}

interface MigrationFile {
  name: string;
  script: string;
  checksum: string;
}

interface MigrationRow {
  id: string;
  checksum: string;
  migration_name: string;
  logs: string | null;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  started_at: Date;
}

export const sha256Hex = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

/** Prisma accepts a checksum computed with either line ending, because git may rewrite them. */
function checksumMatches(script: string, checksum: string): boolean {
  return [script, script.replaceAll("\r\n", "\n"), script.replaceAll("\n", "\r\n")].some(
    (s) => sha256Hex(s) === checksum,
  );
}

export async function readMigrations(dir: string = MIGRATIONS_DIR): Promise<MigrationFile[]> {
  const lock = await readFile(join(dir, "migration_lock.toml"), "utf8");
  if (!/^provider\s*=\s*"mysql"\s*$/m.test(lock)) {
    throw new MigrationError(`${dir}/migration_lock.toml does not say provider = "mysql"`);
  }
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const script = await readFile(join(dir, name, "migration.sql"), "utf8");
      return { name, script, checksum: sha256Hex(script) };
    }),
  );
}

/**
 * Bring the database at `url` up to date: create it if missing, then apply every pending
 * migration in name order. Refuses to touch a database whose history has a failed migration or
 * an applied migration whose file has since changed.
 */
export async function migrate(url: string, options: MigrateOptions = {}): Promise<MigrateResult> {
  const log = options.logger ?? pino({ level: "silent" });
  const { database, ...server } = parseDatabaseUrl(url);
  const migrations = await readMigrations(options.migrationsDir);

  const admin = await mariadb.createConnection(server);
  try {
    await admin.query(
      `CREATE DATABASE IF NOT EXISTS \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );
  } finally {
    await admin.end();
  }

  // One connection for everything: the advisory lock belongs to the session. Migration scripts
  // hold several statements, which Prisma also sends as one batch.
  // Timestamps are UTC, as Prisma writes them.
  const conn = await mariadb.createConnection({
    ...server,
    database,
    multipleStatements: true,
    timezone: "Z",
  });
  try {
    const timeout = options.lockTimeoutSeconds ?? 60;
    const [lock] = await conn.query<{ got: number | null }[]>("SELECT GET_LOCK(?, ?) AS got", [
      LOCK_NAME,
      timeout,
    ]);
    if (Number(lock?.got) !== 1) {
      throw new MigrationError(
        `another migration run held the lock "${LOCK_NAME}" for more than ${timeout}s`,
      );
    }

    await ensureMigrationsTable(conn, database);
    const rows = await conn.query<MigrationRow[]>(
      "SELECT id, checksum, migration_name, logs, finished_at, rolled_back_at, started_at FROM _prisma_migrations ORDER BY started_at",
    );
    checkHistory(rows, migrations, log);

    const done = new Set(
      rows.filter((r) => r.rolled_back_at === null).map((r) => r.migration_name),
    );
    const pending = migrations.filter((m) => !done.has(m.name));
    if (pending.length === 0) {
      log.info({ database, migrations: migrations.length }, "database is up to date");
      return { applied: [] };
    }

    for (const m of pending) {
      await applyOne(conn, m, log);
    }
    log.info(
      { database, applied: pending.map((m) => m.name) },
      `applied ${pending.length} migration(s)`,
    );
    return { applied: pending.map((m) => m.name) };
  } finally {
    // Ending the session releases the lock too; releasing first keeps the intent visible.
    await conn.query("SELECT RELEASE_LOCK(?)", [LOCK_NAME]).catch(() => undefined);
    await conn.end();
  }
}

async function ensureMigrationsTable(conn: mariadb.Connection, database: string) {
  const tables = await conn.query<{ name: string }[]>(
    "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?",
    [database],
  );
  if (tables.some((t) => t.name === "_prisma_migrations")) return;
  if (tables.length > 0) {
    // Prisma's P3005: a non-empty database without a history has to be baselined by a person.
    throw new MigrationError(
      `database "${database}" has tables but no _prisma_migrations table; refusing to migrate it (baseline it first)`,
    );
  }
  await conn.query(CREATE_MIGRATIONS_TABLE);
}

function checkHistory(rows: MigrationRow[], files: MigrationFile[], log: Logger) {
  const failed = rows.filter((r) => r.finished_at === null && r.rolled_back_at === null);
  if (failed.length > 0) {
    const details = failed
      .map(
        (r) =>
          `  ${r.migration_name} (started ${r.started_at.toISOString()}): ${r.logs?.trim() || "no logs"}`,
      )
      .join("\n");
    throw new MigrationError(
      `found failed migrations in the database; fix the database by hand, then mark them rolled back (set rolled_back_at) or applied:\n${details}`,
    );
  }

  const byName = new Map(files.map((f) => [f.name, f]));
  const changed: string[] = [];
  for (const row of rows) {
    if (row.rolled_back_at !== null) continue;
    const file = byName.get(row.migration_name);
    if (!file) {
      log.warn(
        { migration: row.migration_name },
        "a migration applied to the database is missing from the migrations directory",
      );
    } else if (!checksumMatches(file.script, row.checksum)) {
      changed.push(
        `  ${row.migration_name}: applied with checksum ${row.checksum}, the file now has ${file.checksum}`,
      );
    }
  }
  if (changed.length > 0) {
    throw new MigrationError(
      `applied migrations were modified afterwards; restore them and put changes in a new migration:\n${changed.join("\n")}`,
    );
  }
}

/** Record, run and finish one migration the way Prisma's apply_migrations does. */
async function applyOne(conn: mariadb.Connection, m: MigrationFile, log: Logger) {
  const id = randomUUID();
  await conn.query(
    "INSERT INTO _prisma_migrations (id, checksum, started_at, migration_name) VALUES (?, ?, UTC_TIMESTAMP(3), ?)",
    [id, m.checksum, m.name],
  );
  log.info({ migration: m.name }, "applying migration");
  try {
    await conn.query(m.script);
  } catch (err) {
    const logs = err instanceof Error ? err.message : String(err);
    await conn.query("UPDATE _prisma_migrations SET logs = ? WHERE id = ?", [logs, id]);
    throw new MigrationError(`migration ${m.name} failed: ${logs}`);
  }
  await conn.query(
    "UPDATE _prisma_migrations SET applied_steps_count = applied_steps_count + 1 WHERE id = ?",
    [id],
  );
  await conn.query("UPDATE _prisma_migrations SET finished_at = UTC_TIMESTAMP(3) WHERE id = ?", [
    id,
  ]);
}

async function main() {
  const config = loadDatabaseConfig();
  const logger = pino({ level: config.NIMBUS_LOG_LEVEL });
  try {
    await migrate(config.NIMBUS_DATABASE_URL, { logger });
  } catch (err) {
    logger.error(
      { err },
      err instanceof MigrationError || err instanceof DatabaseUrlError
        ? err.message
        : "migration failed",
    );
    process.exitCode = 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
