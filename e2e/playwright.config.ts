// Browser tests (`npm run e2e -w @nimbus/e2e`): Debian's Chromium driven by Playwright against
// whole stacks started by the tests themselves (e2e/stack). Browsers cannot be downloaded on these
// machines, hence the executable path; the flags keep Chromium off the (closed) network.
import { defineConfig } from "@playwright/test";
import { stackConfig } from "./stack/config";

const artifacts = stackConfig().NIMBUS_TEST_ARTIFACTS;

export default defineConfig({
  testDir: "browser",
  testMatch: "**/*.spec.ts",
  // Each file starts its own cloud and boots real guests: one at a time on two cores.
  workers: 1,
  fullyParallel: false,
  timeout: 300_000,
  expect: { timeout: 30_000 },
  outputDir: artifacts ? `${artifacts}/playwright` : "test-results/playwright",
  reporter: [["list"]],
  use: {
    browserName: "chromium",
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
  },
});
