/**
 * Peak memory of one poll invocation over large real feeds, to size the poll Lambda
 * (infra/sizing.ts). The poll handler is bundled exactly as the stack bundles it and run in a fresh
 * `node` (no TypeScript loader inflating the figures) against the largest documents of
 * ../shared/feeds (as many as one invocation polls at once, infra/sizing.ts) served on 127.0.0.1,
 * with the store on dynalite in this (parent) process, so the child's RSS is the handler's alone.
 * Each run polls all those feeds twice (all new, then unchanged), at several concurrencies; a bare
 * bundle gives the runtime's own RSS for comparison.
 *
 * Usage: node bin/run-ts.js bench/poll-memory.ts
 *   MEMORY_MB=256 also caps the child's V8 heap as Lambda's Node runtime does (90% of the function's
 *   memory), showing whether the poll fits that size; CONCURRENCY=8 measures one concurrency only;
 *   FEEDS=20 polls the 20 largest documents instead.
 */
import { execFile, spawnSync } from "node:child_process";
import { promisify } from "node:util";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { PROJECT_ROOT } from "../infra/app.ts";
import { BUNDLE_DEFAULTS } from "../infra/constructs/function.ts";
import { FUNCTION_SIZES } from "../infra/sizing.ts";
import { createTable } from "../lambdas/adapters/table.ts";
import { startDynalite } from "../test/helpers/dynalite.ts";
import { startServer } from "../test/helpers/http-server.ts";
import { sharedPath } from "../test/helpers/shared-data.ts";

const FEEDS_DIR = sharedPath("feeds");
const AT_ONCE = FUNCTION_SIZES.poll.concurrency;
const FEEDS = process.env.FEEDS ? Number(process.env.FEEDS) : AT_ONCE;
const CONCURRENCIES = process.env.CONCURRENCY ? [Number(process.env.CONCURRENCY)] : [1, 8, AT_ONCE];
const MEMORY_MB = process.env.MEMORY_MB ? Number(process.env.MEMORY_MB) : undefined;
const heapFlags = MEMORY_MB ? [`--max-old-space-size=${Math.floor(MEMORY_MB * 0.9)}`] : [];
if (!existsSync(FEEDS_DIR)) {
  console.log(`poll-memory: skipped, ${FEEDS_DIR} is not present`);
  process.exit(0);
}

const files = readdirSync(FEEDS_DIR)
  .filter((name) => /\.(xml|rss|atom|rdf)$/.test(name))
  .map((name) => ({ name, bytes: statSync(join(FEEDS_DIR, name)).size }))
  .sort((a, b) => b.bytes - a.bytes)
  .slice(0, FEEDS);
const server = await startServer(
  Object.fromEntries(
    files.map((file) => [
      `/${file.name}`,
      (_req, res) => {
        res.setHeader("content-type", "application/xml");
        res.end(readFileSync(join(FEEDS_DIR, file.name)));
      },
    ]),
  ),
);
const db = await startDynalite();

const outdir = join(PROJECT_ROOT, "node_modules", ".cache", "heistwatch-poll-memory");
mkdirSync(outdir, { recursive: true });
const common = {
  bundle: true,
  target: BUNDLE_DEFAULTS.target,
  format: BUNDLE_DEFAULTS.format,
  platform: BUNDLE_DEFAULTS.platform,
  minify: BUNDLE_DEFAULTS.minify,
  external: [...BUNDLE_DEFAULTS.external],
  mainFields: [...BUNDLE_DEFAULTS.mainFields],
  banner: { js: BUNDLE_DEFAULTS.banner },
  logLevel: "error" as const,
};
await build({
  ...common,
  entryPoints: [join(PROJECT_ROOT, "bench", "poll-memory-child.ts")],
  outfile: join(outdir, "child.mjs"),
});
writeFileSync(
  join(outdir, "bare.mjs"),
  "console.log(JSON.stringify({ peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) }));\n",
);

const bare = JSON.parse(
  spawnSync("node", [...heapFlags, join(outdir, "bare.mjs")], { encoding: "utf8" }).stdout,
);
const totalKb = Math.round(files.reduce((sum, file) => sum + file.bytes, 0) / 1024);
console.log(
  `poll memory: ${files.length} largest real feeds (${totalKb} KB together, largest ${Math.round(files[0]!.bytes / 1024)} KB), each polled twice`,
);
console.log(
  `bare node process: peak RSS ${bare.peakRssMb} MB${MEMORY_MB ? `; V8 heap capped at ${heapFlags[0]}` : ""}`,
);
console.log(
  "concurrency | RSS after import | peak RSS | new articles (1st poll) | 1st poll ms | 2nd poll ms",
);
let round = 0;
for (const concurrency of CONCURRENCIES) {
  const tableName = `poll-memory-${++round}`;
  await createTable(db.client, tableName);
  const feeds = files.map((file, index) => ({
    id: `feed-${index}`,
    name: file.name,
    url: server.url(`/${file.name}`),
  }));
  // Asynchronously: this process serves the child's feeds and its DynamoDB.
  const run = await promisify(execFile)("node", [...heapFlags, join(outdir, "child.mjs")], {
    encoding: "utf8",
    maxBuffer: 16 * 1024 * 1024,
    env: {
      ...process.env,
      BENCH_FEEDS: JSON.stringify(feeds),
      BENCH_DYNAMO: db.endpoint,
      BENCH_TABLE: tableName,
      BENCH_CONCURRENCY: String(concurrency),
    },
  });
  const r = JSON.parse(run.stdout.trim().split("\n").at(-1)!);
  console.log(
    `${String(concurrency).padStart(11)} | ${String(r.baselineRssMb).padStart(13)} MB | ${String(r.peakRssMb).padStart(5)} MB | ${String(r.first.new).padStart(23)} | ${String(r.first.ms).padStart(11)} | ${String(r.second.ms).padStart(11)}`,
  );
}
await server.close();
await db.close();
