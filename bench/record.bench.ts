/**
 * The record's cost per flagged article: extractRecord (target, assets, vector with evidence) over
 * 2,000 generated articles of about 2 KB, beside classify over the same articles in the same run
 * (the pipeline runs both on every flagged article, so the ratio is the share the record adds).
 */
import { classify } from "../lambdas/core/classifier/classify.ts";
import { extractRecord } from "../lambdas/core/record/extract-record.ts";
import { generate } from "./classify-articles.ts";

const ARTICLES = 2_000;
const RUNS = 3;

const articles = generate(ARTICLES);
let bytes = 0;
for (const a of articles)
  bytes += Buffer.byteLength(a.title) + Buffer.byteLength(a.summary) + Buffer.byteLength(a.content);
const megabytes = bytes / 1e6;

function best(run: () => void): number {
  let fastest = Number.POSITIVE_INFINITY;
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    run();
    fastest = Math.min(fastest, performance.now() - started);
  }
  return fastest;
}

// Warm up both (JIT, the record rules' compiled term list).
for (const a of articles.slice(0, 100)) {
  classify(a);
  extractRecord(a);
}
const recordMs = best(() => {
  for (const a of articles) extractRecord(a);
});
const classifyMs = best(() => {
  for (const a of articles) classify(a);
});
console.log(`articles: ${ARTICLES} (${megabytes.toFixed(1)} MB), best of ${RUNS}`);
console.log(
  `extractRecord: ${(recordMs / ARTICLES).toFixed(3)} ms/article, ${(megabytes / (recordMs / 1000)).toFixed(1)} MB/s`,
);
console.log(
  `classify (baseline): ${(classifyMs / ARTICLES).toFixed(3)} ms/article, ${(megabytes / (classifyMs / 1000)).toFixed(1)} MB/s`,
);
console.log(`record / classify: ${(recordMs / classifyMs).toFixed(2)}x`);
