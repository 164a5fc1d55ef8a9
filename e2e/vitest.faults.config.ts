// The fault suite (`npm run test:faults`): whole clouds as real processes, broken on purpose
// (kill -9, a broker restart, a frozen host, a fuzzer) — each file one fault, one at a time.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    name: "faults",
    include: ["faults/**/*.test.ts"],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
