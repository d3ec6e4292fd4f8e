#!/usr/bin/env node
// The `heistwatch` command. Sources are TypeScript; tsx loads them directly, so
// `npx heistwatch` works right after `npm ci` with no build step to remember.
import { register } from "tsx/esm/api";

// A reader that goes away (`heistwatch demo | head -3`) closes our stdout: that is the reader's
// choice, not a failure, so leave quietly instead of printing an EPIPE stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw error;
  });
}

register();
const { main } = await import("../cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
