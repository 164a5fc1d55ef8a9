// One door to the database: with the repository's real ESLint configuration, importing the
// database (the package, Prisma, or a path into packages/db) is an error everywhere except in the
// conductor, and the conductor's run-time code takes the raw door alone (its tests may use Prisma).
// Fixtures are linted as virtual files at the paths they would have.
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { ESLint } from "eslint";
import { beforeAll, describe, expect, it } from "vitest";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../../..");
const DB_ENTRY = join(ROOT, "packages/db/src/index");

const OUTSIDE = [
  "apps/web/src/x.ts",
  "apps/workers/src/compute/x.ts",
  "apps/workers/src/scheduler/x.ts",
  "packages/rpc/src/x.ts",
];
const INSIDE = [
  "apps/workers/src/conductor/x.int.test.ts",
  "apps/workers/src/conductor/testing.ts",
];
const CONDUCTOR_RUNTIME = [
  "apps/workers/src/conductor/x.ts",
  "apps/workers/src/conductor/handlers/x.ts",
];

/** The import specifiers that reach the database from a file at `file`. */
function doors(file: string): string[] {
  const intoPackage = relative(dirname(join(ROOT, file)), DB_ENTRY);
  return ["@nimbus/db", "@nimbus/db/sql", "@nimbus/db/testing", "@prisma/client", intoPackage];
}

const fixture = (specifier: string) =>
  `import { thing } from "${specifier}";\nexport const used = thing;\n`;

let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: ROOT, overrideConfigFile: join(ROOT, "eslint.config.mjs") });
});

async function lint(file: string, code: string) {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, file) });
  return result!.messages.map((m) => ({ rule: m.ruleId, message: m.message }));
}

describe("the database door", () => {
  it("lets the same fixture without a database import through everywhere (the control)", async () => {
    for (const file of [...OUTSIDE, ...INSIDE, ...CONDUCTOR_RUNTIME]) {
      expect(await lint(file, fixture("node:path"))).toEqual([]);
    }
  });

  for (const file of OUTSIDE) {
    for (const specifier of doors(file)) {
      it(`rejects ${specifier} in ${file}`, async () => {
        const messages = await lint(file, fixture(specifier));
        expect(messages.length).toBeGreaterThan(0);
        for (const m of messages) {
          expect(m.rule).toBe("no-restricted-imports");
          expect(m.message).toMatch(/conductor|Prisma/);
        }
      });
    }

    it(`rejects a dynamic import("@nimbus/db") in ${file}`, async () => {
      const messages = await lint(file, 'export const db = await import("@nimbus/db");\n');
      expect(messages.map((m) => m.rule)).toEqual(["no-restricted-syntax"]);
    });
  }

  for (const file of INSIDE) {
    for (const specifier of doors(file)) {
      it(`allows ${specifier} in ${file}`, async () => {
        expect(await lint(file, fixture(specifier))).toEqual([]);
      });
    }
  }

  for (const file of CONDUCTOR_RUNTIME) {
    it(`allows the raw door in ${file}`, async () => {
      expect(await lint(file, fixture("@nimbus/db/sql"))).toEqual([]);
    });

    for (const specifier of ["@nimbus/db", "@prisma/client"]) {
      it(`rejects ${specifier} (Prisma's client) in ${file}`, async () => {
        const messages = await lint(file, fixture(specifier));
        expect(messages.map((m) => m.rule)).toEqual(["no-restricted-imports"]);
        expect(messages[0]!.message).toMatch(/@nimbus\/db\/sql/);
      });

      it(`allows a type-only import from ${specifier} in ${file}`, async () => {
        const code = `import type { Thing } from "${specifier}";\nexport type Used = Thing;\n`;
        expect(await lint(file, code)).toEqual([]);
      });
    }
  }
});
