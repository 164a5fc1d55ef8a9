// One lint setup for the whole repository (formatting is Prettier's job; see .prettierrc.json).
import js from "@eslint/js";
import prettier from "eslint-config-prettier";
import globals from "globals";
import tseslint from "typescript-eslint";

/**
 * One door to the database: only packages/db itself and the conductor may import it.
 * Nova bans DB access from nova-compute the same way (nova/cmd/compute.py, HACKING N309).
 * Exported so the rule's own test can lint fixtures with exactly this configuration.
 */
export const databaseDoor = {
  files: ["**/*.{ts,tsx,mts,cts,js,mjs}"],
  ignores: ["packages/db/**", "apps/workers/src/conductor/**"],
  rules: {
    "no-restricted-imports": [
      "error",
      {
        paths: [
          { name: "@nimbus/db", message: "Only the conductor talks to the database; send a message to it instead." },
          { name: "@prisma/client", message: "Only packages/db and the conductor may use Prisma." },
        ],
        patterns: [
          {
            group: ["@nimbus/db/*", "@prisma/*", "**/packages/db", "**/packages/db/**", "**/db/src", "**/db/src/**"],
            message: "Only the conductor talks to the database; send a message to it instead.",
          },
        ],
      },
    ],
    // import() is not an import declaration, so no-restricted-imports does not see it.
    "no-restricted-syntax": [
      "error",
      {
        selector: String.raw`ImportExpression[source.value=/^@nimbus\/db(\/|$)|^@prisma\/|(^|\/)packages\/db(\/|$)|(^|\/)db\/src(\/|$)/]`,
        message: "Only the conductor talks to the database; send a message to it instead.",
      },
    ],
  },
};

/**
 * The conductor's run-time code takes the raw door alone (`@nimbus/db/sql`): Prisma's generated
 * client, which `@nimbus/db` loads, costs it ~100 MiB resident (docs/performance.md, P7). Its tests
 * and test fixtures may use Prisma's client; type-only imports load nothing.
 */
export const conductorRawDoor = {
  files: ["apps/workers/src/conductor/**/*.ts"],
  ignores: ["**/*.test.ts", "apps/workers/src/conductor/testing.ts"],
  rules: {
    "no-restricted-imports": [
      "error",
      {
        paths: ["@nimbus/db", "@prisma/client"].map((name) => ({
          name,
          allowTypeImports: true,
          message: "The conductor runs on @nimbus/db/sql; Prisma's client would cost it ~100 MiB.",
        })),
      },
    ],
  },
};

export default tseslint.config(
  {
    ignores: [
      "**/node_modules/**",
      "**/.next/**",
      "**/dist/**",
      "**/.turbo/**",
      "packages/db/src/generated/**",
      "**/next-env.d.ts",
      "var/**",
      "e2e/test-results/**",
      "e2e/playwright-report/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      "no-restricted-properties": [
        "error",
        { object: "process", property: "env", message: "Read configuration through the process's config module." },
      ],
    },
  },
  {
    // The config modules are the only places that read the environment.
    files: ["**/config.ts", "**/env.ts", "**/*.config.{ts,mjs}", "scripts/**", "e2e/**", "bench/**", "**/*.test.ts", "**/test/**"],
    rules: { "no-restricted-properties": "off" },
  },
  databaseDoor,
  conductorRawDoor,
  prettier,
);
