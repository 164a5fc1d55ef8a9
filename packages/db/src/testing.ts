// Helpers for integration tests (here and in the conductor): a throwaway database per test file,
// named nimbus_test_<random> on the server of NIMBUS_DATABASE_URL, dropped afterwards.
import { randomBytes } from "node:crypto";
import * as mariadb from "mariadb";
import { loadDatabaseConfig } from "./config";
import { migrate } from "./migrate";
import { parseDatabaseUrl } from "./url";

export interface TestDatabase {
  name: string;
  url: string;
  /** A connection to the server without a default database (for information_schema, DDL). */
  connect(): Promise<mariadb.Connection>;
  drop(): Promise<void>;
}

/** A fresh database, migrated unless `{ migrate: false }` (then it does not exist yet). */
export async function createTestDatabase(
  options: { migrate?: boolean } = {},
): Promise<TestDatabase> {
  const base = new URL(loadDatabaseConfig().NIMBUS_DATABASE_URL);
  const name = `nimbus_test_${randomBytes(6).toString("hex")}`;
  base.pathname = `/${name}`;
  const url = base.toString();
  const { database: _unused, ...server } = parseDatabaseUrl(url);
  const connect = () => mariadb.createConnection(server);

  if (options.migrate !== false) await migrate(url);
  return {
    name,
    url,
    connect,
    async drop() {
      const conn = await connect();
      try {
        await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await conn.end();
      }
    },
  };
}
