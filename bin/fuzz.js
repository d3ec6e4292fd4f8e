#!/usr/bin/env node
// `npm run fuzz`: the property tests of test/properties.test.ts with 100,000 cases per property,
// each property in its own vitest process, FUZZ_JOBS (default 2) at a time, all with one seed.
//   FUZZ_RUNS=N      cases per property (default 100000)
//   FUZZ_SEED=N      replay a run (default: drawn and printed)
//   FUZZ_JOBS=N      properties run at once
//   FUZZ_SHRINK=1    shrink a failing case (slow with 100 KB strings)
//   npm run fuzz -- NAME...   only the properties whose name contains one of the NAMEs, in that order
// Each property's output goes to FUZZ_LOG_DIR (default node_modules/.cache/heistwatch/fuzz);
// the summary table (property, cases, seed, time, result) is printed at the end.
import { spawn, spawnSync } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";

const FILE = "test/properties.test.ts";
const root = fileURLToPath(new URL("..", import.meta.url));
const vitest = fileURLToPath(new URL("../node_modules/vitest/vitest.mjs", import.meta.url));
const runs = Number(process.env.FUZZ_RUNS ?? 100_000);
const seed = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const jobs = Number(process.env.FUZZ_JOBS ?? Math.min(2, availableParallelism()));
const logDir = process.env.FUZZ_LOG_DIR ?? `${root}node_modules/.cache/heistwatch/fuzz`;
for (const [name, value] of Object.entries({ FUZZ_RUNS: runs, FUZZ_SEED: seed, FUZZ_JOBS: jobs })) {
  if (!Number.isSafeInteger(value) || value < (name === "FUZZ_SEED" ? 0 : 1)) {
    console.error(`fuzz: ${name} must be a positive integer`);
    process.exit(2);
  }
}
const env = { ...process.env, FUZZ_RUNS: String(runs), FUZZ_SEED: String(seed), FUZZ_PROGRESS: "1" };

// The properties, as vitest collects them (so new ones are fuzzed without editing this file).
const listed = spawnSync(process.execPath, [vitest, "list", FILE, "--json"], {
  cwd: root,
  env,
  encoding: "utf8",
});
if (listed.status !== 0) {
  console.error(`fuzz: could not list the properties:\n${listed.stderr}`);
  process.exit(1);
}
const wanted = process.argv.slice(2);
const rank = (name) => wanted.findIndex((part) => name.includes(part));
const names = JSON.parse(listed.stdout.slice(listed.stdout.indexOf("[")))
  .map((test) => test.name.split(" > ").at(-1))
  .filter((name) => wanted.length === 0 || wanted.some((part) => name.includes(part)))
  // In the order the NAMEs were given (slowest first shortens a parallel run).
  .sort((a, b) => rank(a) - rank(b));
if (names.length === 0) {
  console.error(`fuzz: no property in ${FILE} matches ${wanted.join(", ")}`);
  process.exit(2);
}
mkdirSync(logDir, { recursive: true });
console.log(
  `fuzz: ${names.length} properties, ${runs} cases each, seed ${seed}, ${jobs} at a time, logs in ${logDir}`,
);

const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Runs one property in its own vitest process; resolves to its summary row. */
function fuzz(name, index) {
  const log = `${logDir}/${String(index + 1).padStart(2, "0")}.log`;
  const out = createWriteStream(log);
  const started = Date.now();
  console.log(`fuzz: start  ${name} (${log})`);
  const child = spawn(process.execPath, [vitest, "run", FILE, "-t", `${escapeRegExp(name)}$`], {
    cwd: root,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.pipe(out, { end: false });
  child.stderr.pipe(out, { end: false });
  return new Promise((resolve) => {
    child.on("close", (code) => {
      out.end();
      const seconds = Math.round((Date.now() - started) / 1000);
      const result = code === 0 ? "pass" : `FAIL (exit ${code}, see ${log})`;
      console.log(`fuzz: ${code === 0 ? "pass " : "FAIL "} ${name} in ${seconds} s`);
      resolve({ name, seconds, result });
    });
  });
}

const started = Date.now();
const rows = [];
let next = 0;
await Promise.all(
  Array.from({ length: Math.min(jobs, names.length) }, async () => {
    while (next < names.length) {
      const index = next++;
      rows[index] = await fuzz(names[index], index);
    }
  }),
);
console.log(
  `\nfuzz: ${runs} cases per property, seed ${seed}, FUZZ_JOBS=${jobs}, ${new Date().toISOString()}`,
);
console.log("| property | cases | seed | time | result |\n| --- | ---: | ---: | ---: | --- |");
for (const row of rows)
  console.log(`| ${row.name} | ${runs.toLocaleString("en")} | ${seed} | ${row.seconds} s | ${row.result} |`);
console.log(`fuzz: done in ${Math.round((Date.now() - started) / 1000)} s`);
process.exitCode = rows.every((row) => row.result === "pass") ? 0 : 1;
