// The raw door (sql.ts) against Prisma's $queryRaw on the same database: the same JavaScript
// values for every column of every table the migrations create (so repository code may run on
// either), and its own batches and transactions.
import type * as mariadb from "mariadb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, createSqlPool, Prisma, SqlError, type Db, type SqlPool } from "./index";
import { createTestDatabase, type TestDatabase } from "./testing";

interface ColumnInfo {
  name: string;
  dataType: string;
  columnType: string;
  nullable: boolean;
  autoIncrement: boolean;
}

/** A value fitting a column, different per row `n` (1, 2, …). */
function valueFor(c: ColumnInfo, n: number): unknown {
  switch (c.dataType) {
    case "int":
    case "smallint":
    case "mediumint":
      return 7 + n;
    case "tinyint":
      return n % 2;
    case "bigint":
      return 2n ** 40n + BigInt(n);
    case "double":
    case "float":
      return 1.5 + n;
    case "decimal":
      return 2.25 + n;
    case "datetime":
    case "timestamp":
      return new Date(Date.UTC(2026, 2, 4, 5, 6, 7, 89 + n));
    case "longtext":
      // MariaDB's JSON is LONGTEXT with a json_valid CHECK; every LONGTEXT here is JSON.
      return JSON.stringify({ k: ["v", n, true, null], n: { deep: n } });
    default: {
      const length = Number(/\((\d+)\)/.exec(c.columnType)?.[1] ?? 16);
      return `${c.name}-${n}`.padEnd(Math.min(length, 12), "x").slice(0, length);
    }
  }
}

describe("the raw door", () => {
  let testDb: TestDatabase;
  let db: Db;
  let raw: SqlPool;
  let conn: mariadb.Connection;
  let tables: Map<string, ColumnInfo[]>;

  beforeAll(async () => {
    testDb = await createTestDatabase();
    db = createDb(testDb.url, { connectionLimit: 2 });
    raw = createSqlPool(testDb.url, { connectionLimit: 2 });
    conn = await testDb.connect();
    const columns = await conn.query<
      {
        table: string;
        name: string;
        dataType: string;
        columnType: string;
        nullable: string;
        extra: string;
      }[]
    >(
      `SELECT TABLE_NAME AS \`table\`, COLUMN_NAME AS name, DATA_TYPE AS dataType,
              COLUMN_TYPE AS columnType, IS_NULLABLE AS nullable, EXTRA AS extra
         FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, ORDINAL_POSITION`,
      [testDb.name],
    );
    tables = new Map();
    for (const c of columns) {
      if (c.table === "_prisma_migrations") continue;
      const list = tables.get(c.table) ?? [];
      list.push({
        name: c.name,
        dataType: c.dataType,
        columnType: c.columnType,
        nullable: c.nullable === "YES",
        autoIncrement: c.extra.includes("auto_increment"),
      });
      tables.set(c.table, list);
    }
    // Two rows per table: every column set, then every nullable column NULL. Foreign keys are
    // not what this compares, so they are not checked while filling.
    await conn.query(`USE \`${testDb.name}\``);
    await conn.query("SET FOREIGN_KEY_CHECKS = 0");
    for (const [table, cols] of tables) {
      for (const n of [1, 2]) {
        const set = cols.filter((c) => !c.autoIncrement);
        const values = set.map((c) => (n === 2 && c.nullable ? null : valueFor(c, n)));
        await conn.query(
          `INSERT INTO \`${table}\` (${set.map((c) => `\`${c.name}\``).join(", ")}) VALUES (${set.map(() => "?").join(", ")})`,
          values,
        );
      }
    }
  });

  afterAll(async () => {
    await conn?.end();
    await db?.$disconnect();
    await raw?.end();
    await testDb?.drop();
  });

  it("reads every column of every table as Prisma's $queryRaw does", async () => {
    expect(tables.size).toBeGreaterThan(15);
    for (const table of tables.keys()) {
      const q = Prisma.sql`SELECT * FROM ${Prisma.raw(`\`${table}\``)} ORDER BY 1`;
      const viaPrisma = await db.$queryRaw<unknown[]>(q);
      const viaRaw = await raw.$queryRaw<unknown[]>(q);
      expect(viaPrisma, table).toHaveLength(2);
      expect(viaRaw, table).toEqual(viaPrisma);
    }
  });

  it("gives the same values for the expressions the repositories use", async () => {
    const uuids = (await raw.$queryRaw<{ uuid: string }[]>`SELECT uuid FROM instances`).map(
      (r) => r.uuid,
    );
    const q = Prisma.sql`
      SELECT COUNT(*) AS n, COALESCE(SUM(vcpus), 0) AS cores, MAX(id) AS top,
             JSON_OBJECTAGG(uuid, vcpus) AS agg, JSON_VALUE(MIN(flavor), '$.n.deep') AS jv,
             IF(COUNT(*) > 1, 'many', NULL) AS word, ${true} AS flag, ${2.5} AS half,
             ${"it's"} AS quoted
        FROM instances WHERE deleted >= ${0} AND uuid IN (${Prisma.join([...uuids, "x"])})`;
    const [viaRaw] = await raw.$queryRaw<Record<string, unknown>[]>(q);
    const [viaPrisma] = await db.$queryRaw<Record<string, unknown>[]>(q);
    expect(viaRaw!.n).toBe(2n);
    // A DECIMAL (SUM) is a number here and a number or a string through Prisma; the
    // repositories read it with Number().
    expect(viaRaw!.cores).toBe(Number(viaPrisma!.cores));
    expect({ ...viaRaw, cores: 0 }).toEqual({ ...viaPrisma, cores: 0 });
  });

  it("counts the rows a write changed, as $executeRaw does", async () => {
    const q = Prisma.sql`UPDATE services SET report_count = report_count + 1 WHERE deleted >= 0`;
    expect(await raw.$executeRaw(q)).toBe(2);
    expect(await db.$executeRaw(q)).toBe(2);
  });

  it("runs a batch in one query: rows for reads, counts for writes, stopping at a failure", async () => {
    const results = await raw.batch([
      Prisma.sql`INSERT INTO processed_messages (message_id, handled_at) VALUES (${"batch-1"}, ${new Date()})`,
      Prisma.sql`SELECT message_id FROM processed_messages WHERE message_id = ${"batch-1"}`,
    ]);
    expect(results).toEqual([
      { rows: [], affectedRows: 1 },
      { rows: [{ message_id: "batch-1" }], affectedRows: 0 },
    ]);
    const failing = raw.batch([
      Prisma.sql`INSERT INTO processed_messages (message_id, handled_at) VALUES (${"batch-1"}, ${new Date()})`,
      Prisma.sql`INSERT INTO processed_messages (message_id, handled_at) VALUES (${"batch-2"}, ${new Date()})`,
    ]);
    await expect(failing).rejects.toSatisfy((e) => e instanceof SqlError && e.errno === 1062);
    expect(
      await raw.$queryRaw`SELECT message_id FROM processed_messages WHERE message_id = ${"batch-2"}`,
    ).toEqual([]);
  });

  it("commits a transaction that resolves and rolls back one that throws, BEGIN included", async () => {
    const count = async () =>
      Number(
        (
          await raw.$queryRaw<
            { n: bigint }[]
          >`SELECT COUNT(*) AS n FROM processed_messages WHERE message_id LIKE 'tx-%'`
        )[0]!.n,
      );
    await raw.transaction(async (tx) => {
      await tx.$executeRaw`INSERT INTO processed_messages (message_id, handled_at) VALUES ('tx-1', ${new Date()})`;
      await tx.batch([
        Prisma.sql`INSERT INTO processed_messages (message_id, handled_at) VALUES ('tx-2', ${new Date()})`,
      ]);
    });
    expect(await count()).toBe(2);
    await expect(
      raw.transaction(async (tx) => {
        await tx.$executeRaw`INSERT INTO processed_messages (message_id, handled_at) VALUES ('tx-3', ${new Date()})`;
        // Another connection does not see it before the commit: it is in a transaction.
        expect(await count()).toBe(2);
        await tx.$executeRaw`INSERT INTO processed_messages (message_id, handled_at) VALUES ('tx-1', ${new Date()})`;
      }),
    ).rejects.toSatisfy((e) => e instanceof SqlError && e.errno === 1062);
    expect(await count()).toBe(2);
    // A transaction that sent nothing has nothing to end.
    await expect(raw.transaction(async () => "nothing")).resolves.toBe("nothing");
  });

  it("commits with the last statements in one round trip, and not at all if one fails", async () => {
    const ids = async () =>
      (
        await raw.$queryRaw<{ message_id: string }[]>`
          SELECT message_id FROM processed_messages WHERE message_id LIKE 'cw-%' ORDER BY 1`
      ).map((r) => r.message_id);
    const results = await raw.transaction(async (tx) => {
      await tx.batch([
        Prisma.sql`INSERT INTO processed_messages (message_id, handled_at) VALUES ('cw-1', ${new Date()})`,
      ]);
      return tx.commitWith([
        Prisma.sql`INSERT INTO processed_messages (message_id, handled_at) VALUES ('cw-2', ${new Date()})`,
        Prisma.sql`SELECT COUNT(*) AS n FROM processed_messages WHERE message_id LIKE 'cw-%'`,
      ]);
    });
    expect(results).toEqual([
      { rows: [], affectedRows: 1 },
      { rows: [{ n: 2n }], affectedRows: 0 },
    ]);
    expect(await ids()).toEqual(["cw-1", "cw-2"]);
    await expect(
      raw.transaction((tx) =>
        tx.commitWith([
          Prisma.sql`INSERT INTO processed_messages (message_id, handled_at) VALUES ('cw-3', ${new Date()})`,
          Prisma.sql`INSERT INTO processed_messages (message_id, handled_at) VALUES ('cw-1', ${new Date()})`,
        ]),
      ),
    ).rejects.toSatisfy((e) => e instanceof SqlError && e.errno === 1062);
    expect(await ids()).toEqual(["cw-1", "cw-2"]);
    // After its commit a transaction takes nothing more.
    await expect(
      raw.transaction(async (tx) => {
        await tx.commitWith([]);
        await tx.batch([Prisma.sql`SELECT 1`]);
      }),
    ).rejects.toThrow("committed already");
  });

  it("reads after the COMMIT in the same round trip, seeing what was committed", async () => {
    const results = await raw.transaction((tx) =>
      tx.commitWith(
        [
          Prisma.sql`INSERT INTO processed_messages (message_id, handled_at) VALUES ('ct-1', ${new Date()})`,
        ],
        [
          Prisma.sql`SELECT message_id FROM processed_messages WHERE message_id LIKE 'ct-%'`,
          Prisma.sql`SELECT @@in_transaction AS open`,
        ],
      ),
    );
    expect(results).toEqual([
      { rows: [], affectedRows: 1 },
      { rows: [{ message_id: "ct-1" }], affectedRows: 0 },
      { rows: [{ open: 0n }], affectedRows: 0 },
    ]);
  });
});
