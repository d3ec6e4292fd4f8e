/**
 * The measured side of bench/parse.bench.ts: one parser on one document, alone in a fresh process,
 * so its timed runs pay for no other parser's garbage or JIT state. Reads the document, runs the
 * parser WARMUP times untimed and RUNS times timed, and prints one JSON line:
 * { "items": n, "ms": [CPU ms of each timed run] }.
 *
 * Usage (by parse.bench.ts): node bin/run-ts.js bench/parse-child.ts <rss-parser|parseFeed> <document> <warmup> <runs>
 * where <document> is "generated" or a file name in ../shared/feeds.
 */
import { readFileSync } from "node:fs";
import Parser from "rss-parser";
import { parseFeed } from "../lambdas/core/parse/parse-feed.ts";
import { FEEDS_DIR, generatedItems, rssDocument, testFeed } from "../test/helpers/feeds.ts";

const [parser, document, warmup, runs] = process.argv.slice(2);
if (parser !== "rss-parser" && parser !== "parseFeed") throw new Error(`unknown parser ${parser}`);
const xml =
  document === "generated"
    ? rssDocument(generatedItems(1000))
    : readFileSync(`${FEEDS_DIR}${document}`, "utf8");
const context = { feed: testFeed("https://news.example.org/feed.xml", "Bench"), fetchedAt: new Date() };
// The baseline as its users call it: a new Parser with default options, parseString on the text.
const run =
  parser === "rss-parser"
    ? async () => (await new Parser().parseString(xml)).items.length
    : async () => (await parseFeed(xml, context)).articles.length;

// CPU time of this process (user + system, garbage collector threads included): the machine is
// shared, so wall time would measure the neighbours too.
let items = 0;
const ms: number[] = [];
for (let i = 0; i < Number(warmup) + Number(runs); i++) {
  const started = process.cpuUsage();
  items = await run();
  const used = process.cpuUsage(started);
  if (i >= Number(warmup)) ms.push((used.user + used.system) / 1000);
}
console.log(JSON.stringify({ items, ms }));
