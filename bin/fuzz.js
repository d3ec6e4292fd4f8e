#!/usr/bin/env node
// `npm run fuzz`: the property tests of test/properties.test.ts with 100,000 cases per property
// (FUZZ_RUNS overrides; FUZZ_SHRINK=1 shrinks a failing case, slow with 100 KB strings).
// `npm test` runs the same properties with a few dozen cases each.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const vitest = fileURLToPath(new URL("../node_modules/vitest/vitest.mjs", import.meta.url));
const env = { ...process.env, FUZZ_RUNS: process.env.FUZZ_RUNS ?? "100000" };
console.log(`fuzz: ${env.FUZZ_RUNS} cases per property`);
const started = Date.now();
const result = spawnSync(
  process.execPath,
  [vitest, "run", "test/properties.test.ts", ...process.argv.slice(2)],
  {
    env,
    stdio: "inherit",
  },
);
console.log(`fuzz: done in ${Math.round((Date.now() - started) / 1000)} s`);
process.exitCode = result.status ?? 1;
