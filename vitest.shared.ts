// Shared test layout: `x.test.ts` beside the code is a unit test (no services needed);
// `x.int.test.ts` needs the real services (MariaDB, RabbitMQ, libvirt) and runs apart.
import { defineConfig } from "vitest/config";

export function vitestProjects(options: { intTimeoutMs?: number } = {}) {
  return defineConfig({
    test: {
      projects: [
        {
          extends: true,
          test: {
            name: "unit",
            include: ["src/**/*.test.ts", "test/**/*.test.ts"],
            exclude: ["**/*.int.test.ts", "**/node_modules/**"],
          },
        },
        {
          extends: true,
          test: {
            name: "integration",
            include: ["src/**/*.int.test.ts", "test/**/*.int.test.ts"],
            testTimeout: options.intTimeoutMs ?? 60_000,
            hookTimeout: options.intTimeoutMs ?? 60_000,
            fileParallelism: false,
          },
        },
      ],
    },
  });
}
