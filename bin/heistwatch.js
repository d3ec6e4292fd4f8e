#!/usr/bin/env node
// The `heistwatch` command. Sources are TypeScript; tsx loads them directly, so
// `npx heistwatch` works right after `npm ci` with no build step to remember.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
