// System tests: the whole cloud as real processes (e2e/stack), driven through its APIs.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    name: "system",
    include: ["api/**/*.test.ts", "stack/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
