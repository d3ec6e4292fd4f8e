/**
 * Each Lambda's bundle size and cold import time, beside a bare handler bundled and measured the
 * same way in the same run. Bundles are built exactly as the stack builds them (BUNDLE_DEFAULTS:
 * minified ESM for node24, @aws-sdk/* external since the runtime provides SDK v3). Cold import is a
 * fresh `node` process importing the bundle (the SDK resolves from node_modules, as on Lambda it
 * resolves from the runtime), median of RUNS. Aim: poll bundle <= 1 MB minified.
 *
 * Usage: npm run bench -- lambdas   (RUNS=N to change the sample count)
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { build, type Metafile } from "esbuild";
import { PROJECT_ROOT } from "../infra/app.ts";
import { BUNDLE_DEFAULTS } from "../infra/constructs/function.ts";
import { FEEDS_DEFINE, LAMBDA_ENTRIES } from "../infra/stack.ts";

const RUNS = Number(process.env.RUNS ?? 15);
const POLL_BUDGET_BYTES = 1024 * 1024;
// Inside the project so the external @aws-sdk/* imports resolve from node_modules.
const outRoot = join(PROJECT_ROOT, "node_modules", ".cache", "heistwatch-bench");
rmSync(outRoot, { recursive: true, force: true });
mkdirSync(outRoot, { recursive: true });

const feeds = readFileSync(join(PROJECT_ROOT, "config", "feeds.json"), "utf8");
const define = {
  [FEEDS_DEFINE]: JSON.stringify(Buffer.from(JSON.stringify(JSON.parse(feeds))).toString("base64")),
};

interface Bundle {
  name: string;
  file: string;
  bytes: number;
  gzipBytes: number;
  metafile: Metafile;
}

async function bundle(name: string, entry: string): Promise<Bundle> {
  const outdir = join(outRoot, name);
  const result = await build({
    entryPoints: [entry],
    outfile: join(outdir, "index.mjs"),
    bundle: true,
    platform: BUNDLE_DEFAULTS.platform,
    target: BUNDLE_DEFAULTS.target,
    format: BUNDLE_DEFAULTS.format,
    minify: BUNDLE_DEFAULTS.minify,
    external: [...BUNDLE_DEFAULTS.external],
    mainFields: [...BUNDLE_DEFAULTS.mainFields],
    banner: { js: BUNDLE_DEFAULTS.banner },
    define,
    metafile: true,
    logLevel: "error",
  });
  const file = join(outdir, "index.mjs");
  const code = readFileSync(file);
  return {
    name,
    file,
    bytes: statSync(file).size,
    gzipBytes: gzipSync(code).length,
    metafile: result.metafile,
  };
}

/** Median wall time (ms) of importing the bundle in a fresh node process. */
function coldImportMs(file: string): number {
  const script =
    "const t0 = performance.now(); const m = await import(process.argv[1]);" +
    "if (typeof m.handler !== 'function') throw new Error('no handler export');" +
    "process.stdout.write(String(performance.now() - t0));";
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const run = spawnSync(process.execPath, ["--input-type=module", "-e", script, file], {
      encoding: "utf8",
      // What the stack sets (some handlers read it at import time); no credentials, nothing is called.
      env: {
        PATH: process.env.PATH,
        AWS_REGION: "us-east-1",
        POWERTOOLS_SERVICE_NAME: "bench",
        TABLE_NAME: "bench-table",
        QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/123456789012/bench",
        TOPIC_ARN: "arn:aws:sns:us-east-1:123456789012:bench",
        PUBLIC_BASE_URL: "https://bench.example.org/",
      },
    });
    if (run.status !== 0) throw new Error(`importing ${file} failed: ${run.stderr.slice(-800)}`);
    samples.push(Number(run.stdout));
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

function topInputs(metafile: Metafile, count: number): string {
  const byPackage = new Map<string, number>();
  for (const [path, input] of Object.entries(Object.values(metafile.outputs)[0]!.inputs)) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
    const key = match ? match[1]! : "(heistwatch code)";
    byPackage.set(key, (byPackage.get(key) ?? 0) + input.bytesInOutput);
  }
  return [...byPackage.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, bytes]) => `${name} ${kb(bytes)}`)
    .join(", ");
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

const bareEntry = join(outRoot, "bare-handler.ts");
writeFileSync(bareEntry, "export const handler = async () => ({ statusCode: 200 });\n");

// A second baseline: a handler that only loads the SDK clients the functions use. On Lambda the
// runtime provides (and still loads) them, so "x sdk" shows what heistwatch's own code adds.
const sdkEntry = join(outRoot, "sdk-handler.ts");
writeFileSync(
  sdkEntry,
  [
    'import "@aws-sdk/client-dynamodb";',
    'import "@aws-sdk/lib-dynamodb";',
    'import "@aws-sdk/client-sqs";',
    'import "@aws-sdk/client-sns";',
    "export const handler = async () => ({ statusCode: 200 });",
  ].join("\n"),
);

const bundles: Bundle[] = [await bundle("bare", bareEntry), await bundle("sdk-only", sdkEntry)];
for (const [name, entry] of Object.entries(LAMBDA_ENTRIES)) {
  const path = join(PROJECT_ROOT, entry);
  if (!existsSync(path)) {
    console.log(`${name}: ${entry} does not exist yet, skipped`);
    continue;
  }
  bundles.push(await bundle(name, path));
}

console.log(
  `Lambda bundles (esbuild ${BUNDLE_DEFAULTS.format}, minified, ${BUNDLE_DEFAULTS.target}, @aws-sdk external); cold import = median of ${RUNS} fresh node processes (node ${process.version})`,
);
const bare = bundles[0]!;
const sdk = bundles[1]!;
const bareMs = coldImportMs(bare.file);
const sdkMs = coldImportMs(sdk.file);
const columns = (name: string, b: Bundle, ms: number) =>
  [
    name.padEnd(9),
    kb(b.bytes).padStart(10),
    kb(b.gzipBytes).padStart(10),
    ms.toFixed(1).padStart(10),
    (ms / bareMs).toFixed(1).padStart(7),
    (ms / sdkMs).toFixed(2).padStart(7),
  ].join(" ");
console.log(
  [
    "lambda".padEnd(9),
    "minified".padStart(10),
    "gzip".padStart(10),
    "import ms".padStart(10),
    "x bare".padStart(7),
    "x sdk".padStart(7),
  ].join(" "),
);
console.log(columns(bare.name, bare, bareMs));
console.log(columns(sdk.name, sdk, sdkMs));
let overBudget = false;
for (const b of bundles.slice(2)) {
  console.log(columns(b.name, b, coldImportMs(b.file)));
  console.log(`          largest parts: ${topInputs(b.metafile, 5)}`);
  if (b.name === "poll" && b.bytes > POLL_BUDGET_BYTES) overBudget = true;
}
const poll = bundles.find((b) => b.name === "poll");
if (poll) {
  console.log(
    `poll bundle ${kb(poll.bytes)} vs budget ${kb(POLL_BUDGET_BYTES)}: ${overBudget ? "OVER BUDGET" : "within budget"}`,
  );
}
process.exitCode = overBudget ? 1 : 0;
