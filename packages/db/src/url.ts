// The connection settings in a database URL. A module of its own so that the raw door (sql.ts),
// which the conductor's bundle carries, does not pull in the migration runner: migrate.ts runs
// itself when it is the main module, and in a bundle every module is (apps/workers/build.ts).

export class DatabaseUrlError extends Error {
  override name = "DatabaseUrlError";
}

/** The connection settings of a mysql:// URL, without the database (which may not exist yet). */
export function parseDatabaseUrl(url: string) {
  const u = new URL(url);
  if (u.protocol !== "mysql:" && u.protocol !== "mariadb:") {
    throw new DatabaseUrlError(`not a mysql:// URL: ${u.protocol}`);
  }
  const database = decodeURIComponent(u.pathname.replace(/^\//, ""));
  // The name is interpolated into DDL, so accept only plain identifiers.
  if (!/^[A-Za-z0-9_]{1,64}$/.test(database)) {
    throw new DatabaseUrlError(
      `the database name in the URL must match [A-Za-z0-9_]{1,64}, got "${database}"`,
    );
  }
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : 3306,
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database,
  };
}
