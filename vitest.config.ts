import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

/**
 * Test files that replace module state for the whole worker: handlers that read process.env once
 * at import (the files stub the environment first) and vi.stubEnv. They run isolated (a fresh
 * module graph per file). Every other file shares its worker's module graph (`isolate: false`), so
 * aws-cdk-lib, the SDK, dynalite and the core load once per worker instead of once per file: that
 * import time was most of the suite's wall time. (aws-sdk-client-mock is fine shared: each
 * mockClient call replaces the previous stub.)
 */
const ISOLATED = [
  "test/api-dynalite.test.ts",
  "test/digest.test.ts",
  "test/handlers-poll.test.ts",
  "test/handlers-schedule.test.ts",
  "test/hostile-logs.test.ts",
  "test/signup-aws.test.ts",
  "test/signup-sms.test.ts",
  "test/websub.test.ts",
];

export default defineConfig({
  test: {
    environment: "node",
    // Integration tests start dynalite, local HTTP servers and CDK synths: give them room.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    globalSetup: ["test/global-setup.ts"],
    // Forks, not threads: CDK bundling hands process.stdout to spawnSync, which a worker thread refuses.
    pool: "forks",
    // vitest's default is one worker fewer than the cores: one worker on a 2-core machine, which then
    // sits idle while a test waits on a spawned CLI, Chromium or a socket. Two at least overlap those.
    maxWorkers: Math.max(2, availableParallelism()),
    projects: [
      {
        extends: true,
        test: { name: "isolated", include: ISOLATED },
      },
      {
        extends: true,
        test: {
          name: "shared",
          include: ["test/**/*.test.ts"],
          exclude: ISOLATED,
          isolate: false,
        },
      },
    ],
  },
});
