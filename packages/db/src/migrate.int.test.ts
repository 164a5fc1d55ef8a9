// The migration runner against a real server: fresh database, no-op rerun, edited and failed
// migrations, two runners at once.
import { cp, mkdtemp, readFile, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { migrate, MIGRATIONS_DIR, MigrationError, readMigrations, sha256Hex } from "./migrate";
import { createTestDatabase, type TestDatabase } from "./testing";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function freshDatabase(): Promise<TestDatabase> {
  const db = await createTestDatabase({ migrate: false });
  cleanups.push(() => db.drop());
  return db;
}

/** A private copy of the migrations directory that a test may edit. */
async function copyOfMigrations(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "nimbus-migrations-"));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  await cp(MIGRATIONS_DIR, dir, { recursive: true });
  return dir;
}

async function history(db: TestDatabase) {
  const conn = await db.connect();
  try {
    return await conn.query<
      {
        id: string;
        checksum: string;
        migration_name: string;
        logs: string | null;
        finished_at: Date | null;
        rolled_back_at: Date | null;
        applied_steps_count: number;
      }[]
    >(`SELECT * FROM \`${db.name}\`._prisma_migrations ORDER BY started_at`);
  } finally {
    await conn.end();
  }
}

function capturingLogger() {
  const lines: { msg: string }[] = [];
  const logger = pino(
    { level: "info" },
    { write: (line: string) => void lines.push(JSON.parse(line)) },
  );
  return { logger, messages: () => lines.map((l) => l.msg) };
}

describe("migrate", () => {
  it("creates the database, applies every migration and records each as Prisma does", async () => {
    const db = await freshDatabase();
    const files = await readMigrations();

    const result = await migrate(db.url);

    expect(result.applied).toEqual(files.map((f) => f.name));
    const rows = await history(db);
    expect(rows.map((r) => r.migration_name)).toEqual(files.map((f) => f.name));
    for (const [i, row] of rows.entries()) {
      const script = await readFile(
        join(MIGRATIONS_DIR, row.migration_name, "migration.sql"),
        "utf8",
      );
      expect(row.checksum).toBe(sha256Hex(script));
      expect(row.checksum).toBe(files[i]!.checksum);
      expect(row.id).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.rolled_back_at).toBeNull();
      expect(row.logs).toBeNull();
      expect(Number(row.applied_steps_count)).toBe(1);
    }
  });

  it("does nothing the second time and says the database is up to date", async () => {
    const db = await freshDatabase();
    await migrate(db.url);
    const before = await history(db);
    const { logger, messages } = capturingLogger();

    const result = await migrate(db.url, { logger });

    expect(result.applied).toEqual([]);
    expect(messages()).toContain("database is up to date");
    expect(await history(db)).toEqual(before);
  });

  it("refuses to run when an applied migration's file was edited, naming it", async () => {
    const db = await freshDatabase();
    const dir = await copyOfMigrations();
    await migrate(db.url, { migrationsDir: dir });
    const [first] = await readMigrations(dir);
    await writeFile(
      join(dir, first!.name, "migration.sql"),
      `${first!.script}\n-- an afterthought\n`,
    );

    const run = migrate(db.url, { migrationsDir: dir });

    await expect(run).rejects.toThrow(MigrationError);
    await expect(run).rejects.toThrow(
      new RegExp(
        `modified afterwards[\\s\\S]*${first!.name}: applied with checksum ${first!.checksum}`,
      ),
    );
  });

  it("accepts a migration whose line endings git turned into CRLF", async () => {
    const db = await freshDatabase();
    const dir = await copyOfMigrations();
    await migrate(db.url, { migrationsDir: dir });
    const [first] = await readMigrations(dir);
    await writeFile(
      join(dir, first!.name, "migration.sql"),
      first!.script.replaceAll("\n", "\r\n"),
    );

    await expect(migrate(db.url, { migrationsDir: dir })).resolves.toEqual({ applied: [] });
  });

  it("records a failing migration with its error and refuses to go on until someone fixes it", async () => {
    const db = await freshDatabase();
    const dir = await copyOfMigrations();
    const broken = "29991231235959_broken";
    await mkdir(join(dir, broken));
    await writeFile(
      join(dir, broken, "migration.sql"),
      "ALTER TABLE `no_such_table` ADD COLUMN `x` INTEGER NULL;\n",
    );

    await expect(migrate(db.url, { migrationsDir: dir })).rejects.toThrow(
      `migration ${broken} failed`,
    );
    const row = (await history(db)).find((r) => r.migration_name === broken);
    expect(row?.finished_at).toBeNull();
    expect(row?.logs).toMatch(/no_such_table/);
    expect(Number(row?.applied_steps_count)).toBe(0);

    await expect(migrate(db.url, { migrationsDir: dir })).rejects.toThrow(
      new RegExp(`found failed migrations[\\s\\S]*${broken}[\\s\\S]*no_such_table`),
    );
  });

  it("lets only one of two simultaneous runs apply the migrations", async () => {
    const db = await freshDatabase();
    const files = await readMigrations();

    const results = await Promise.all([migrate(db.url), migrate(db.url)]);

    expect(results.map((r) => r.applied.length).sort()).toEqual([0, files.length]);
    expect((await history(db)).map((r) => r.migration_name)).toEqual(files.map((f) => f.name));
  });

  it("refuses a database that has tables but no migration history", async () => {
    const db = await freshDatabase();
    const conn = await db.connect();
    try {
      await conn.query(`CREATE DATABASE \`${db.name}\``);
      await conn.query(`CREATE TABLE \`${db.name}\`.stray (id INT PRIMARY KEY)`);
    } finally {
      await conn.end();
    }

    await expect(migrate(db.url)).rejects.toThrow(/has tables but no _prisma_migrations table/);
  });
});
