/**
 * Classification throughput: 10,000 generated articles of about 2 KB (deterministic text mixing
 * news vocabulary with rule terms, about one in five a heist story) through `classify`, beside a
 * naive baseline measured in the same run: the same rules matched with one RegExp per keyword per
 * field, and a second one with every term in a single combined alternation RegExp. The baselines
 * only match (no scoring), so the ratios understate the real gap.
 */
import { cpus, loadavg } from "node:os";
import { expandTerm } from "../lambdas/core/classifier/rules.ts";
import { classify, DEFAULT_RULES } from "../lambdas/core/classifier/classify.ts";
import { htmlToText } from "../lambdas/core/text/html-to-text.ts";
import { generate } from "./classify-articles.ts";

const ARTICLES = 10_000;
const BASELINE_ARTICLES = 500; // the baseline is slow; its MB/s comes from a sample
const RUNS = 3;

/** Every rule term as a RegExp source: word boundaries for spaced scripts, none after a stem ("term*"). */
function termSources(): string[] {
  const sources: string[] = [];
  for (const group of Object.values(DEFAULT_RULES.groups)) {
    for (const entry of group.entries) {
      for (const written of entry.terms) {
        for (const expanded of expandTerm(written)) {
          const stem = expanded.endsWith("*");
          const term = stem ? expanded.slice(0, -1) : expanded;
          const escaped = term.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
          const spaced = /^[\p{Script=Latin}\p{Script=Cyrillic}\p{N}]/u.test(term);
          const before = spaced ? "(?<![\\p{L}\\p{N}])" : "";
          const after = spaced && !stem ? "(?![\\p{L}\\p{N}])" : "";
          sources.push(`${before}${escaped}${after}`);
        }
      }
    }
  }
  return sources;
}

/** The naive way: every term of the same rules as its own RegExp, run over every field. */
function naiveMatcher() {
  const patterns = termSources().map((source) => new RegExp(source, "gu"));
  return (article: { title: string; summary: string; content: string }) => {
    let hits = 0;
    for (const field of [article.title, article.summary, article.content]) {
      const text = htmlToText(field).normalize("NFKC").toLowerCase();
      for (const pattern of patterns) {
        pattern.lastIndex = 0;
        while (pattern.exec(text)) hits++;
      }
    }
    return { hits, patterns: patterns.length };
  };
}

/**
 * The next step up: every term in one alternation RegExp, longest first, with the word-boundary
 * lookarounds written once around the spaced-script terms (one per alternative made V8 thousands
 * of times slower), stems without the closing boundary, unspaced-script terms bare.
 */
function combinedMatcher() {
  const whole: string[] = [];
  const stems: string[] = [];
  const unspaced: string[] = [];
  for (const group of Object.values(DEFAULT_RULES.groups)) {
    for (const entry of group.entries) {
      for (const written of entry.terms) {
        for (const expanded of expandTerm(written)) {
          const stem = expanded.endsWith("*");
          const term = stem ? expanded.slice(0, -1) : expanded;
          const escaped = term.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
          const spaced = /^[\p{Script=Latin}\p{Script=Cyrillic}\p{N}]/u.test(term);
          (spaced ? (stem ? stems : whole) : unspaced).push(escaped);
        }
      }
    }
  }
  const alternation = (list: string[]) => list.sort((x, y) => y.length - x.length).join("|");
  const pattern = new RegExp(
    `(?<![\\p{L}\\p{N}])(?:(?:${alternation(whole)})(?![\\p{L}\\p{N}])|${alternation(stems)})|${alternation(unspaced)}`,
    "gu",
  );
  return (article: { title: string; summary: string; content: string }) => {
    let hits = 0;
    for (const field of [article.title, article.summary, article.content]) {
      const text = htmlToText(field).normalize("NFKC").toLowerCase();
      pattern.lastIndex = 0;
      while (pattern.exec(text)) hits++;
    }
    return hits;
  };
}

function megabytes(articles: { title: string; summary: string; content: string }[]): number {
  let bytes = 0;
  for (const a of articles)
    bytes += Buffer.byteLength(a.title) + Buffer.byteLength(a.summary) + Buffer.byteLength(a.content);
  return bytes / 1e6;
}

/**
 * Best of RUNS, in seconds of CPU time (user + system, all threads of this process) and of wall
 * time. CPU time is the fair figure on a shared machine: other processes stretch wall time but
 * not the CPU this loop used.
 */
function best(run: () => void): { cpu: number; wall: number } {
  let cpu = Number.POSITIVE_INFINITY;
  let wall = Number.POSITIVE_INFINITY;
  for (let i = 0; i < RUNS; i++) {
    const cpuStart = process.cpuUsage();
    const started = performance.now();
    run();
    wall = Math.min(wall, (performance.now() - started) / 1000);
    const used = process.cpuUsage(cpuStart);
    cpu = Math.min(cpu, (used.user + used.system) / 1e6);
  }
  return { cpu, wall };
}

const articles = generate(ARTICLES);
const sample = articles.slice(0, BASELINE_ARTICLES);
const mb = megabytes(articles);
const sampleMb = megabytes(sample);

// Each path is warmed up (JIT, caches) just before it is timed, so the baselines' thousands of
// RegExps and their htmlToText calls are not yet in the heap or the JIT's feedback while
// classify runs.
let flagged = 0;
for (const a of articles.slice(0, 1000)) classify(a);
const fastSeconds = best(() => {
  flagged = 0;
  for (const a of articles) if (classify(a).flagged) flagged++;
});

const naive = naiveMatcher();
for (const a of sample.slice(0, 50)) naive(a);
const combined = combinedMatcher();
for (const a of sample.slice(0, 50)) combined(a);
let naiveHits = 0;
const naiveSeconds = best(() => {
  naiveHits = 0;
  for (const a of sample) naiveHits += naive(a).hits;
});

let combinedHits = 0;
const combinedSeconds = best(() => {
  combinedHits = 0;
  for (const a of sample) combinedHits += combined(a);
});

const load = loadavg()[0]!.toFixed(1);
console.log(
  `articles: ${ARTICLES} x ~${Math.round((mb * 1e6) / ARTICLES)} bytes = ${mb.toFixed(1)} MB; ${naive(sample[0]!).patterns} terms; ${cpus().length} CPUs, load ${load}`,
);
const line = (name: string, megabytes: number, t: { cpu: number; wall: number }, extra: string) =>
  console.log(
    `${name.padEnd(44)} ${(megabytes / t.cpu).toFixed(2).padStart(7)} MB/s per CPU-second  (${(megabytes / t.wall).toFixed(2)} MB/s wall; ${extra})`,
  );
line(
  "classify (automaton, one pass per field):",
  mb,
  fastSeconds,
  `${ARTICLES} articles, ${flagged} flagged`,
);
line(
  "baseline (one RegExp per term, match only):",
  sampleMb,
  naiveSeconds,
  `${BASELINE_ARTICLES} articles, ${naiveHits} hits`,
);
line(
  "baseline (one combined alternation RegExp):",
  sampleMb,
  combinedSeconds,
  `${BASELINE_ARTICLES} articles, ${combinedHits} hits`,
);
const ratio = mb / fastSeconds.cpu / (sampleMb / naiveSeconds.cpu);
const combinedRatio = mb / fastSeconds.cpu / (sampleMb / combinedSeconds.cpu);
console.log(
  `ratio: ${ratio.toFixed(1)}x the per-term baseline, ${combinedRatio.toFixed(1)}x the combined RegExp (best of ${RUNS} runs each, single-threaded code)`,
);
