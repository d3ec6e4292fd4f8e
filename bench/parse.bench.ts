/**
 * Parse throughput in items/s. Subject: parseFeed on a generated 1,000-item RSS feed (HTML
 * descriptions, dates, categories, tracking-laden links), i.e. rss-parser plus everything we add
 * (ReDoS guard, our date parsing, canonical URLs, ids, HTML-to-text, dedupe). Baseline, measured
 * in the same run on the same document: plain `new Parser().parseString` with no normalisation,
 * so the ratio is what normalisation costs. Also: the largest real corpus document (730 items).
 */
import { readFileSync } from "node:fs";
import Parser from "rss-parser";
import { parseFeed } from "../lambdas/core/parse/parse-feed.ts";
import { FEEDS_DIR, generatedItems, rssDocument, testFeed } from "../test/helpers/feeds.ts";

const ROUNDS = 7;
const WARMUP = 2;

async function timeIt(run: () => Promise<number>): Promise<{ medianMs: number; items: number }> {
  let items = 0;
  for (let i = 0; i < WARMUP; i++) items = await run();
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const started = performance.now();
    items = await run();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { medianMs: times[Math.floor(times.length / 2)]!, items };
}

async function compare(label: string, xml: string): Promise<void> {
  const context = { feed: testFeed("https://news.example.org/feed.xml", "Bench"), fetchedAt: new Date() };
  const baseline = await timeIt(async () => (await new Parser().parseString(xml)).items.length);
  const subject = await timeIt(async () => (await parseFeed(xml, context)).articles.length);
  const rate = (r: { medianMs: number; items: number }) => Math.round((r.items / r.medianMs) * 1000);
  console.log(`${label} (${(xml.length / 1024).toFixed(0)} KB, median of ${ROUNDS})`);
  console.log(
    `  baseline rss-parser parseString: ${rate(baseline).toLocaleString("en")} items/s (${baseline.medianMs.toFixed(1)} ms, ${baseline.items} items)`,
  );
  console.log(
    `  heistwatch parseFeed:            ${rate(subject).toLocaleString("en")} items/s (${subject.medianMs.toFixed(1)} ms, ${subject.items} articles)`,
  );
  console.log(
    `  ratio parseFeed / baseline:      ${(rate(subject) / rate(baseline)).toFixed(2)}x throughput`,
  );
}

await compare("generated RSS 2.0, 1,000 items", rssDocument(generatedItems(1000)));
await compare(
  "real: giantbomb podcast RSS, 730 items",
  readFileSync(`${FEEDS_DIR}rbren__rss-parser__giantbomb-podcast.rss`, "utf8"),
);
