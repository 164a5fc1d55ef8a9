// Generates the Prisma client into src/generated/prisma.
// The Prisma CLI insists on a native schema engine binary even though generating does not use it,
// and that binary cannot be downloaded on our machines: point it at an executable that exists and
// fails loudly if anything ever does try to run it.
import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..");

execFileSync("npx", ["--no-install", "prisma", "generate"], {
  cwd: packageDir,
  stdio: "inherit",
  env: {
    // eslint-disable-next-line no-restricted-properties -- a build script hands its environment to the CLI
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: "/bin/false",
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
    CHECKPOINT_DISABLE: "1",
  },
});
