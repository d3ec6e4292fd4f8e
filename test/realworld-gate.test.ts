/**
 * Regression gate on real published news (../shared/corpus/realworld-dev.jsonl, 623 items in nine
 * languages, labelled by hand; issue 15). Third-party text stays in ../shared: when it is absent
 * the suite is skipped, and the global setup says so in one line.
 */
import { describe, expect, it } from "vitest";
import { evaluate } from "../lambdas/core/classifier/evaluate.ts";
import { DEFAULT_THRESHOLD } from "../lambdas/core/classifier/classify.ts";
import { HAS_SHARED, sharedPath } from "./helpers/shared-data.ts";
import { readLabelledSet } from "./helpers/labelled-set.ts";

// The bundled rules reach precision 0.970, recall 0.990 and 32 of 32 amounts here; the gates are
// the goals.
const GATE = 0.95;
const LANGUAGE_RECALL = 0.85;
const AMOUNT_ACCURACY = 0.9;

describe.skipIf(!HAS_SHARED)("real-world regression gate (../shared/corpus/realworld-dev.jsonl)", () => {
  const report = () =>
    evaluate(readLabelledSet(sharedPath("corpus/realworld-dev.jsonl")), { threshold: DEFAULT_THRESHOLD });

  it(`keeps precision and recall >= ${GATE}, and recall >= ${LANGUAGE_RECALL} in each language with five positives`, () => {
    const r = report();
    expect(r.count).toBeGreaterThanOrEqual(600);
    const misses = r.misclassified.map((m) => `${m.id} (score ${m.score}) ${m.title}`).join("\n");
    expect(r.precision, `precision ${r.precision}; misclassified:\n${misses}`).toBeGreaterThanOrEqual(GATE);
    expect(r.recall, `recall ${r.recall}; misclassified:\n${misses}`).toBeGreaterThanOrEqual(GATE);
    const judged = Object.entries(r.byLanguage).filter(([, s]) => s.positives >= 5);
    expect(judged.map(([lang]) => lang)).toEqual(expect.arrayContaining(["en", "fr"]));
    for (const [lang, slice] of judged) {
      expect(slice.recall, `recall in ${lang}`).toBeGreaterThanOrEqual(LANGUAGE_RECALL);
    }
  });

  it(`finds the event's amount within 1% on >= ${AMOUNT_ACCURACY * 100}% of positives that state one`, () => {
    const { amount } = report();
    expect(amount.stated).toBeGreaterThanOrEqual(30);
    const misses = amount.misses.map((m) => `${m.id}: expected ${m.expected}, got ${m.got}`).join("\n");
    expect(amount.accuracy, misses).toBeGreaterThanOrEqual(AMOUNT_ACCURACY);
  });

  it("spreads flagged items: at most 25% share the top score, no severity level holds more than 60%", () => {
    const { spread } = report();
    expect(spread.topScoreShare).toBeLessThanOrEqual(0.25);
    for (const level of ["low", "medium", "high"] as const) {
      expect(spread.severities[level] / spread.flagged, level).toBeLessThanOrEqual(0.6);
    }
  });
});
