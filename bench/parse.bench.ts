/**
 * Parse throughput in items/s. Subject: parseFeed, i.e. our XML pass plus everything normalisation
 * does (dates, canonical URLs, ids, HTML-to-text, caps, dedupe). Baseline: plain rss-parser
 * `new Parser().parseString`, with no normalisation at all, on the same text.
 * Documents: a generated 1,000-item RSS feed (HTML descriptions, dates, categories, tracking-laden
 * links) and the three largest real documents of ../shared/feeds (skipped, with a note, when that
 * folder is absent). The goal (issue 13): parseFeed at least 2x the baseline on each.
 *
 * Method, the same for both sides: each parser runs alone in a fresh Node process
 * (bench/parse-child.ts), so neither pays for collecting the other's garbage (in one process,
 * whichever runs second collects what the first left). A measurement is BLOCKS pairs of such
 * processes, the order alternating (baseline first, then subject first, ...) so both see the same
 * machine load; each process does WARMUP untimed runs then RUNS timed ones, timed in the process's
 * CPU time. The figure is the median of the BLOCKS x RUNS timed runs of each side.
 */
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { FEEDS_DIR, generatedItems, rssDocument } from "../test/helpers/feeds.ts";

const BLOCKS = 3;
const WARMUP = 30;
const RUNS = 15;

const here = dirname(fileURLToPath(import.meta.url));
const runner = join(here, "..", "bin", "run-ts.js");
const child = join(here, "parse-child.ts");

type Side = "rss-parser" | "parseFeed";
interface Measured {
  items: number;
  ms: number[];
}

function measureOnce(side: Side, document: string): Measured {
  const result = spawnSync(process.execPath, [runner, child, side, document, String(WARMUP), String(RUNS)], {
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`${side} on ${document} failed: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split("\n").pop()!) as Measured;
}

const median = (times: number[]) => [...times].sort((x, y) => x - y)[Math.floor(times.length / 2)]!;

function compare(label: string, document: string, bytes: number): void {
  const all: Record<Side, Measured> = { "rss-parser": { items: 0, ms: [] }, parseFeed: { items: 0, ms: [] } };
  for (let block = 0; block < BLOCKS; block++) {
    const order: Side[] = block % 2 === 0 ? ["rss-parser", "parseFeed"] : ["parseFeed", "rss-parser"];
    for (const side of order) {
      const measured = measureOnce(side, document);
      all[side].items = measured.items;
      all[side].ms.push(...measured.ms);
    }
  }
  const baseline = { medianMs: median(all["rss-parser"].ms), items: all["rss-parser"].items };
  const subject = { medianMs: median(all.parseFeed.ms), items: all.parseFeed.items };
  const rate = (r: { medianMs: number; items: number }) => Math.round((r.items / r.medianMs) * 1000);
  console.log(
    `${label} (${(bytes / 1024).toFixed(0)} KB, median CPU time of ${BLOCKS * RUNS} runs each, each parser alone in ${BLOCKS} processes)`,
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

compare("generated RSS 2.0, 1,000 items", "generated", rssDocument(generatedItems(1000)).length);
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
  compare(label, name, statSync(`${FEEDS_DIR}${name}`).size);
}
