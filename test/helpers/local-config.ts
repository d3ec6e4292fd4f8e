/**
 * A local-mode configuration for tests: in memory, any free port on 127.0.0.1, feeds on
 * 127.0.0.1 allowed, no gap between requests to one host. Tests override what they exercise.
 */
import type { LocalConfig } from "../../cli/local/config.ts";

export function testLocalConfig(overrides: Partial<LocalConfig> = {}): LocalConfig {
  return {
    port: 0,
    host: "127.0.0.1",
    dataDir: "(memory)",
    feedsFile: "(test)",
    intervalSeconds: 60,
    allowPrivateAddresses: ["127.0.0.1"],
    concurrency: 1,
    hostGapMs: 0,
    ...overrides,
  };
}
