/**
 * Parse throughput in items/s. Subject: parseFeed, i.e. our XML pass plus everything normalisation
 * does (dates, canonical URLs, ids, HTML-to-text, caps, dedupe). Baseline, measured in the same run
 * on the same text: plain rss-parser `new Parser().parseString`, with no normalisation at all.
 * Documents: a generated 1,000-item RSS feed (HTML descriptions, dates, categories, tracking-laden
 * links) and the three largest real documents of ../shared/feeds (skipped, with a note, when that
 * folder is absent). The goal (issue 13): parseFeed at least 2x the baseline on each.
 */
import { existsSync, readFileSync } from "node:fs";
import Parser from "rss-parser";
import { parseFeed } from "../lambdas/core/parse/parse-feed.ts";
import { FEEDS_DIR, generatedItems, rssDocument, testFeed } from "../test/helpers/feeds.ts";

const ROUNDS = 15;
const WARMUP = 3;

// The machine is shared, so wall time measures the neighbours too: each run is timed in CPU time
// of this process (user + system, garbage collector threads included).
const cpuMs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

type Run = () => Promise<number>;

/** Median time of each run, the two measured in alternation so both see the same machine load. */
async function timeBoth(
  a: Run,
  b: Run,
): Promise<[{ medianMs: number; items: number }, { medianMs: number; items: number }]> {
  const results = [
    { run: a, times: [] as number[], items: 0 },
    { run: b, times: [] as number[], items: 0 },
  ];
  for (let i = 0; i < WARMUP + ROUNDS; i++) {
    for (const r of results) {
      const started = process.cpuUsage();
      r.items = await r.run();
      if (i >= WARMUP) r.times.push(cpuMs(started));
    }
  }
  const median = (times: number[]) => times.sort((x, y) => x - y)[Math.floor(times.length / 2)]!;
  const [x, y] = results.map((r) => ({ medianMs: median(r.times), items: r.items }));
  return [x!, y!];
}

async function compare(label: string, xml: string): Promise<void> {
  const context = { feed: testFeed("https://news.example.org/feed.xml", "Bench"), fetchedAt: new Date() };
  const [baseline, subject] = await timeBoth(
    async () => (await new Parser().parseString(xml)).items.length,
    async () => (await parseFeed(xml, context)).articles.length,
  );
  const rate = (r: { medianMs: number; items: number }) => Math.round((r.items / r.medianMs) * 1000);
  console.log(
    `${label} (${(xml.length / 1024).toFixed(0)} KB, median CPU time of ${ROUNDS} runs each, the two alternating)`,
  );
  console.log(
    `  baseline rss-parser parseString: ${rate(baseline).toLocaleString("en")} items/s (${baseline.medianMs.toFixed(1)} ms, ${baseline.items} items)`,
  );
  console.log(
    `  heistwatch parseFeed:            ${rate(subject).toLocaleString("en")} items/s (${subject.medianMs.toFixed(1)} ms, ${subject.items} articles)`,
  );
  const ratio = rate(subject) / rate(baseline);
  console.log(
    `  ratio parseFeed / baseline:      ${ratio.toFixed(2)}x throughput (goal >= 2x: ${ratio >= 2 ? "met" : "NOT met"})`,
  );
}

await compare("generated RSS 2.0, 1,000 items", rssDocument(generatedItems(1000)));
const REAL = [
  ["real: podcast RSS 2.0, 730 items", "rbren__rss-parser__giantbomb-podcast.rss"],
  [
    "real: advisories RSS 2.0 with large descriptions, 10 items",
    "tsummey__cyberdash__cybersecurity-advisories.xml",
  ],
  ["real: blog Atom with full content, 19 entries", "Ranchero-Software__RSParser__russcox.atom"],
] as const;
for (const [label, name] of REAL) {
  if (!existsSync(`${FEEDS_DIR}${name}`)) {
    console.log(`${label}: skipped, ../shared/feeds/${name} is not present`);
    continue;
  }
  await compare(label, readFileSync(`${FEEDS_DIR}${name}`, "utf8"));
}
