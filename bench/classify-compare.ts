/**
 * Equivalence check for classifier optimisations: classifies the same inputs with two checkouts'
 * code (e.g. a git worktree of the commit before the change, and this one) under one frozen rules
 * file, and fails on the first Classification or Explanation that differs in any field, offsets
 * included. Not a benchmark (bench/index.ts runs only *.bench.ts).
 *
 *   git worktree add /tmp/classify-before <commit> && ln -s "$PWD/node_modules" /tmp/classify-before/
 *   node bin/run-ts.js bench/classify-compare.ts /tmp/classify-before . /tmp/rules-frozen.json
 */
import { isDeepStrictEqual } from "node:util";
import { readdir, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type * as Classify from "../lambdas/core/classifier/classify.ts";
import { parseFeed } from "../lambdas/core/parse/parse-feed.ts";
import { sharedPath } from "../test/helpers/shared-data.ts";
import { generate } from "./classify-articles.ts";

type Classifier = typeof Classify;
type Input = Classify.ClassifyInput;

const [
  oldRoot,
  newRoot,
  rulesPath,
  feedsDir = sharedPath("feeds"),
  corpusPath = new URL("../test/fixtures/dev-articles.jsonl", import.meta.url).pathname,
] = process.argv.slice(2);
if (!oldRoot || !newRoot || !rulesPath) {
  console.error("usage: classify-compare.ts OLD_CHECKOUT NEW_CHECKOUT RULES.json [FEEDS_DIR] [CORPUS.jsonl]");
  process.exit(2);
}
const load = async (root: string) =>
  (await import(pathToFileURL(resolve(root, "lambdas/core/classifier/classify.ts")).href)) as Classifier;
const previous = await load(oldRoot);
const current = await load(newRoot);
const rulesJson: unknown = JSON.parse(await readFile(rulesPath, "utf8"));
const newRules = current.loadRules(rulesJson);
const oldRules = previous.loadRules(rulesJson);

let compared = 0;
let flagged = 0;
let matches = 0;
function check(set: string, label: string, input: Input): void {
  for (const threshold of [undefined, 0]) {
    const opts = threshold === undefined ? {} : { threshold };
    const expected = previous.classify(input, { ...opts, rules: oldRules });
    const actual = current.classify(input, { ...opts, rules: newRules });
    if (!isDeepStrictEqual(actual, expected)) {
      console.error(`DIFFERENT: ${set} ${label} (threshold ${String(threshold)})`);
      console.error(`input: ${JSON.stringify(input).slice(0, 2000)}`);
      console.error(`old: ${JSON.stringify(expected)}`);
      console.error(`new: ${JSON.stringify(actual)}`);
      process.exit(1);
    }
    // explain goes through the same path with reasons; compare it too.
    const oldExplain = previous.explainClassification(input, { ...opts, rules: oldRules });
    const newExplain = current.explainClassification(input, { ...opts, rules: newRules });
    if (!isDeepStrictEqual(newExplain, oldExplain)) {
      console.error(`DIFFERENT explanation: ${set} ${label}`);
      process.exit(1);
    }
  }
  compared++;
  const c = current.classify(input, { rules: newRules });
  if (c.flagged) flagged++;
  matches += c.matched.length;
}

const counts: Record<string, number> = {};
function tally(set: string, run: () => void): void {
  const before = compared;
  run();
  counts[set] = compared - before;
}

// 1. The dev corpus, as given and with its fields wrapped in markup (the htmlToText path).
const corpus = (await readFile(corpusPath, "utf8"))
  .split("\n")
  .filter((line) => line.trim() !== "")
  .map((line) => JSON.parse(line) as { id: string; title: string; summary?: string; content?: string });
tally("dev corpus", () => {
  for (const a of corpus) check("corpus", a.id, a);
});
const escape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");
tally("dev corpus as HTML", () => {
  for (const a of corpus) {
    check("corpus-html", a.id, {
      title: `<b>${escape(a.title)}</b>&nbsp;`,
      summary: `<p>${escape(a.summary ?? "").replace(/ /g, "\n ")}</p><script>lazarus</script>`,
    });
  }
});

tally("dev corpus with odd spacing", () => {
  for (const a of corpus) {
    check("corpus-spacing", a.id, {
      title: a.title.replace(/ /g, "  "),
      summary: `${(a.summary ?? "").replace(/, /g, ",\u00a0").replace(/-/g, " - ")} `,
    });
  }
});

// 2. The bench's generated articles.
tally("bench articles", () => {
  generate(10_000).forEach((a, i) => check("bench", String(i), a));
});

// 3. Every item of the feed fixtures after parseFeed, and each raw document as one messy field.
const files = (await readdir(feedsDir)).filter((f) => !f.endsWith(".md")).sort();
let feedErrors = 0;
const items: { label: string; input: Input }[] = [];
const raws: { label: string; input: Input }[] = [];
for (const file of files) {
  const buffer = await readFile(join(feedsDir, file));
  const xml = buffer.toString("utf8");
  raws.push({ label: file, input: { title: file, content: xml } });
  try {
    const parsed = await parseFeed(xml, {
      feed: { id: "fixture", name: "Fixture", url: "https://example.com/feed" },
      fetchedAt: new Date("2025-01-01T00:00:00Z"),
    });
    parsed.articles.forEach((a, i) => {
      const input: Input = { title: a.title, summary: a.summary };
      if (a.content !== undefined) input.content = a.content;
      items.push({ label: `${file}#${i}`, input });
    });
  } catch {
    feedErrors++; // fixtures of broken feeds; their raw text is still compared below
  }
}
tally("feed fixture items", () => {
  for (const { label, input } of items) check("feed", label, input);
});
tally("raw feed documents", () => {
  for (const { label, input } of raws) check("raw", label, input);
});

console.log(
  `identical: ${compared} inputs (x2 thresholds, classify + explain), ${flagged} flagged, ${matches} matched terms`,
);
for (const [set, n] of Object.entries(counts)) console.log(`  ${set}: ${n}`);
console.log(`  (${files.length} fixture files, ${feedErrors} not parseable as feeds)`);
