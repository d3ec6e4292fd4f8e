/**
 * `npm run bench`: runs every bench/*.bench.ts in its own Node process, one after another,
 * so one benchmark's heap and JIT state never colour the next. Each prints its own figures,
 * always beside a baseline measured in the same run.
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const runner = join(here, "..", "bin", "run-ts.js");
const only = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith(".bench.ts"))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

let failed = 0;
for (const file of files) {
  console.log(`\n=== ${file} ===`);
  const result = spawnSync(process.execPath, [runner, join(here, file)], { stdio: "inherit" });
  if (result.status !== 0) {
    failed++;
    console.error(`bench ${file} exited with ${result.status ?? result.signal}`);
  }
}
process.exitCode = failed ? 1 : 0;
