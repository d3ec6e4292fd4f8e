#!/usr/bin/env node
// `npm run fuzz`: the property tests of test/properties.test.ts with 100,000 cases per property,
// each property in its own vitest process(es), FUZZ_JOBS processes at a time.
//   FUZZ_RUNS=N      cases per property (default 100000)
//   FUZZ_SEED=N      replay a run (default: drawn and printed)
//   FUZZ_SHARDS=N    split each property's cases over N processes, seeds SEED, SEED+1, ... (default 1)
//   FUZZ_JOBS=N      processes at once (default 2)
//   FUZZ_SHRINK=1    shrink a failing case (slow with 100 KB strings)
//   npm run fuzz -- NAME...   only the properties whose name contains one of the NAMEs, in that order
// Each process's output goes to FUZZ_LOG_DIR (default node_modules/.cache/heistwatch/fuzz), with
// a progress line every 30 s; the summary table (property, cases, seeds, time, result) ends the run.
import { spawn, spawnSync } from "node:child_process";
import { createWriteStream, mkdirSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";

const FILE = "test/properties.test.ts";
const root = fileURLToPath(new URL("..", import.meta.url));
const vitest = fileURLToPath(new URL("../node_modules/vitest/vitest.mjs", import.meta.url));
const runs = Number(process.env.FUZZ_RUNS ?? 100_000);
const seed = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const shards = Number(process.env.FUZZ_SHARDS ?? 1);
const jobs = Number(process.env.FUZZ_JOBS ?? Math.min(2, availableParallelism()));
const logDir = process.env.FUZZ_LOG_DIR ?? `${root}node_modules/.cache/heistwatch/fuzz`;
const settings = { FUZZ_RUNS: runs, FUZZ_SEED: seed, FUZZ_SHARDS: shards, FUZZ_JOBS: jobs };
for (const [name, value] of Object.entries(settings)) {
  if (!Number.isSafeInteger(value) || value < (name === "FUZZ_SEED" ? 0 : 1)) {
    console.error(`fuzz: ${name} must be a ${name === "FUZZ_SEED" ? "non-negative" : "positive"} integer`);
    process.exit(2);
  }
}
const shardRuns = Math.ceil(runs / shards);

// The properties, as vitest collects them (so new ones are fuzzed without editing this file).
const listed = spawnSync(process.execPath, [vitest, "list", FILE, "--json"], {
  cwd: root,
  env: { ...process.env, FUZZ_RUNS: "1" },
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
  `fuzz: ${names.length} properties, ${runs} cases each in ${shards} process(es) of ${shardRuns}, seed ${seed}, ${jobs} processes at a time, logs in ${logDir}`,
);

const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const tasks = names.flatMap((name, index) =>
  Array.from({ length: shards }, (_, shard) => ({
    name,
    seed: seed + shard,
    log: `${index + 1}-${shard + 1}`,
  })),
);

/** Runs one shard of one property in its own vitest process; resolves to its exit code and time. */
function fuzz(task) {
  const log = `${logDir}/${task.log}.log`;
  const out = createWriteStream(log);
  const started = Date.now();
  console.log(`fuzz: start ${task.name}, seed ${task.seed} (${log})`);
  const env = {
    ...process.env,
    FUZZ_RUNS: String(shardRuns),
    FUZZ_SEED: String(task.seed),
    FUZZ_PROGRESS: "1",
  };
  const child = spawn(process.execPath, [vitest, "run", FILE, "-t", `${escapeRegExp(task.name)}$`], {
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
      // The test file's last line says how many cases ran (a batch property runs several per run).
      out.on("close", () => {
        const counted = [...readFileSync(log, "utf8").matchAll(/^fuzz cases: (\d+)/gm)].at(-1);
        const cases = counted ? Number(counted[1]) : 0;
        console.log(
          `fuzz: ${code === 0 ? "pass" : "FAIL"} ${task.name}, seed ${task.seed}, ${cases} cases in ${seconds} s`,
        );
        resolve({ ...task, code, seconds, cases, log });
      });
    });
  });
}

const started = Date.now();
const done = [];
let next = 0;
await Promise.all(
  Array.from({ length: Math.min(jobs, tasks.length) }, async () => {
    while (next < tasks.length) done.push(await fuzz(tasks[next++]));
  }),
);
console.log(`\nfuzz: ${new Date().toISOString()}, FUZZ_SHARDS=${shards}, FUZZ_JOBS=${jobs}`);
console.log("| property | cases | seeds | time | result |\n| --- | ---: | --- | ---: | --- |");
for (const name of names) {
  const own = done.filter((task) => task.name === name).sort((a, b) => a.seed - b.seed);
  const failed = own.filter((task) => task.code !== 0);
  const seeds = own.map((task) => task.seed).join(", ");
  const seconds = Math.max(...own.map((task) => task.seconds));
  const cases = own.reduce((sum, task) => sum + task.cases, 0);
  const result = failed.length === 0 ? "pass" : `FAIL (see ${failed.map((task) => task.log).join(", ")})`;
  console.log(`| ${name} | ${cases.toLocaleString("en")} | ${seeds} | ${seconds} s | ${result} |`);
}
console.log(`fuzz: done in ${Math.round((Date.now() - started) / 1000)} s`);
process.exitCode = done.every((task) => task.code === 0) ? 0 : 1;
