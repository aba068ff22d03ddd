import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    // LocalDurableTestRunner.setupTestEnvironment({ skipTime: true }) installs fake timers
    // process-wide: one process per test file keeps files from sharing a clock.
    pool: "forks",
  },
});
