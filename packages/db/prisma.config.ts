// The Prisma CLI's configuration. Only `prisma generate` runs here (the schema engine cannot be
// downloaded); migrations are applied by src/migrate.ts.
import { defineConfig } from "prisma/config";
import { loadDatabaseConfig } from "./src/config.ts";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: loadDatabaseConfig().NIMBUS_DATABASE_URL },
});
