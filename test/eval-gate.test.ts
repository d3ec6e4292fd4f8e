/**
 * Regression gate: the bundled rules must keep precision and recall >= 0.92 on the labelled dev
 * set (test/fixtures/dev-articles.jsonl, a copy of ../shared/corpus/dev-articles.jsonl, written by the team).
 * A missing corpus fails loudly, never skips.
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { evaluate, type LabelledItem } from "../lambdas/core/classifier/evaluate.ts";
import { DEFAULT_THRESHOLD } from "../lambdas/core/classifier/classify.ts";

const CORPUS = fileURLToPath(new URL("./fixtures/dev-articles.jsonl", import.meta.url));
const GATE = 0.92;

function readCorpus(): LabelledItem[] {
  if (!existsSync(CORPUS)) throw new Error(`dev corpus not found at ${CORPUS}`);
  return readFileSync(CORPUS, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => {
      const r = JSON.parse(line);
      return { id: r.id, title: r.title, summary: r.summary ?? "", label: r.label };
    });
}

describe("dev-set regression gate", () => {
  it(`keeps precision and recall >= ${GATE} on test/fixtures/dev-articles.jsonl`, () => {
    const items = readCorpus();
    expect(items.length).toBeGreaterThanOrEqual(100);
    const report = evaluate(items, { threshold: DEFAULT_THRESHOLD });
    const misses = report.misclassified.map((m) => `${m.id} (score ${m.score}) ${m.title}`).join("\n");
    expect(
      report.precision,
      `precision ${report.precision}; misclassified:\n${misses}`,
    ).toBeGreaterThanOrEqual(GATE);
    expect(report.recall, `recall ${report.recall}; misclassified:\n${misses}`).toBeGreaterThanOrEqual(GATE);
  });

  it("spreads flagged items: at most 25% share the top score, no severity level holds more than 60% (issue 12)", () => {
    const { spread } = evaluate(readCorpus(), { threshold: DEFAULT_THRESHOLD });
    expect(spread.flagged).toBeGreaterThan(30);
    expect(spread.topScoreShare).toBeLessThanOrEqual(0.25);
    for (const level of ["low", "medium", "high"] as const) {
      expect(spread.severities[level] / spread.flagged, level).toBeLessThanOrEqual(0.6);
    }
  });

  it("classifies the whole dev set in well under a few seconds (guard against hangs)", () => {
    const items = readCorpus();
    const started = Date.now();
    for (let round = 0; round < 10; round++) evaluate(items, { threshold: DEFAULT_THRESHOLD });
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
