// The hand-written migrations must build exactly the database the Prisma schema describes.
import type * as mariadb from "mariadb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  compareSchemas,
  loadDatamodel,
  readDatabaseSchema,
  schemaFromDatamodel,
  type Schema,
} from "./drift";
import { createTestDatabase, type TestDatabase } from "./testing";

describe("drift between prisma/schema.prisma and the migrated database", () => {
  let db: TestDatabase;
  let conn: mariadb.Connection;
  let expected: Schema;

  beforeAll(async () => {
    expected = schemaFromDatamodel(await loadDatamodel());
    db = await createTestDatabase();
    conn = await db.connect();
  });
  afterAll(async () => {
    await conn?.end();
    await db?.drop();
  });

  it("finds none", async () => {
    const problems = compareSchemas(expected, await readDatabaseSchema(conn, db.name));
    expect(problems, problems.join("\n")).toEqual([]);
  });

  it("reports exactly a dropped column, a dropped index and a JSON column turned into text", async () => {
    await conn.query(`ALTER TABLE \`${db.name}\`.images DROP COLUMN min_ram`);
    await conn.query(`DROP INDEX instances_vm_state_idx ON \`${db.name}\`.instances`);
    // Without its CHECK (json_valid(...)) a MariaDB "JSON" column is just text: not tolerated.
    await conn.query(`ALTER TABLE \`${db.name}\`.instances MODIFY metadata LONGTEXT NOT NULL`);

    const problems = compareSchemas(expected, await readDatabaseSchema(conn, db.name));
    expect(problems).toEqual([
      "images.min_ram: column missing from the database (expected int NOT NULL DEFAULT 0)",
      "instances.metadata: is longtext NOT NULL, expected json NOT NULL",
      "table instances: index instances_vm_state_idx (vm_state) is missing from the database",
    ]);
  });
});
