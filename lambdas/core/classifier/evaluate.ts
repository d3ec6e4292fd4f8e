/**
 * Measures rules against labelled articles: precision, recall, F1, the confusion matrix, the same
 * per language and per kind, how often the event's amount is right, how flagged items spread over
 * scores and severities, and the items the rules got wrong with the evidence behind each mistake.
 */
import { type ClassifyInput, type ClassifyOptions, classify } from "./classify.ts";
import type { MatchedTerm, Severity } from "../model/types.ts";

export interface LabelledItem extends ClassifyInput {
  id: string;
  /** 1 (should be flagged) or 0. */
  label: 0 | 1;
  /** Declared language (ISO 639-1), when the set gives one. */
  lang?: string;
  /** Finer class from the labelling policy (theft, report, neg-general...), when given. */
  kind?: string;
  /** On positives: the event's stated US-dollar amount, or null when the text states none. */
  amountUsd?: number | null;
}

export interface Misclassified {
  id: string;
  label: 0 | 1;
  score: number;
  flagged: boolean;
  title: string;
  matched: MatchedTerm[];
}

export interface Confusion {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

/** Precision and recall of one slice (a language or a kind). */
export interface SliceReport {
  count: number;
  positives: number;
  confusion: Confusion;
  precision: number;
  recall: number;
}

/** A positive whose stated amount the rules got wrong (or missed). */
export interface AmountMiss {
  id: string;
  expected: number;
  got: number | null;
}

export interface AmountReport {
  /** Positives that state an amount (amountUsd not null). */
  stated: number;
  /** Of those, how many got the event's amount within 1%. */
  matched: number;
  accuracy: number;
  misses: AmountMiss[];
}

/** How flagged items spread: the share that holds the top score, and the severity levels. */
export interface SpreadReport {
  flagged: number;
  topScore: number | null;
  /** Share of flagged items whose score equals the top score. */
  topScoreShare: number;
  /** Flagged items per score, highest first. */
  scores: { score: number; count: number }[];
  severities: Record<Severity, number>;
}

export interface EvalReport {
  count: number;
  threshold: number;
  /** tp: flagged and labelled 1; fp: flagged, labelled 0; fn: missed 1; tn: rightly not flagged. */
  confusion: Confusion;
  precision: number;
  recall: number;
  f1: number;
  accuracy: number;
  /** Per declared language (items without one under "?"). */
  byLanguage: Record<string, SliceReport>;
  /** Per kind (items without one under "?"). */
  byKind: Record<string, SliceReport>;
  amount: AmountReport;
  /** Items with a declared language, and how many of them the detector agrees with. */
  languageDetection: { declared: number; agreed: number };
  spread: SpreadReport;
  /** False positives then false negatives, each in input order. */
  misclassified: Misclassified[];
}

const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);

function emptySlice(): SliceReport {
  return { count: 0, positives: 0, confusion: { tp: 0, fp: 0, fn: 0, tn: 0 }, precision: 0, recall: 0 };
}

function tally(confusion: Confusion, label: 0 | 1, flagged: boolean): void {
  if (flagged) confusion[label === 1 ? "tp" : "fp"]++;
  else confusion[label === 1 ? "fn" : "tn"]++;
}

function finish(slices: Record<string, SliceReport>): Record<string, SliceReport> {
  for (const s of Object.values(slices)) {
    s.precision = ratio(s.confusion.tp, s.confusion.tp + s.confusion.fp);
    s.recall = ratio(s.confusion.tp, s.confusion.tp + s.confusion.fn);
  }
  return Object.fromEntries(Object.entries(slices).sort(([a], [b]) => a.localeCompare(b)));
}

/** Within 1% of the expected amount (the tolerance for rounding in "$1.46 billion"). */
export function amountMatches(expected: number, got: number | null): boolean {
  return got !== null && Math.abs(got - expected) <= expected * 0.01;
}

/** Classifies every item and compares the verdicts with the labels. */
export function evaluate(
  items: readonly LabelledItem[],
  options: ClassifyOptions & { threshold: number },
): EvalReport {
  const confusion: Confusion = { tp: 0, fp: 0, fn: 0, tn: 0 };
  const byLanguage: Record<string, SliceReport> = {};
  const byKind: Record<string, SliceReport> = {};
  const amount: AmountReport = { stated: 0, matched: 0, accuracy: 0, misses: [] };
  const languageDetection = { declared: 0, agreed: 0 };
  const scoreCounts = new Map<number, number>();
  const severities: Record<Severity, number> = { low: 0, medium: 0, high: 0 };
  const falsePositives: Misclassified[] = [];
  const falseNegatives: Misclassified[] = [];
  for (const item of items) {
    // The declared language is the label; classify detects its own, to be compared with it.
    const { lang, ...input } = item;
    const result = classify(input, options);
    if (lang !== undefined) {
      languageDetection.declared++;
      if (result.language === lang) languageDetection.agreed++;
    }
    const wrong = result.flagged !== (item.label === 1);
    tally(confusion, item.label, result.flagged);
    for (const [slices, key] of [
      [byLanguage, item.lang ?? "?"],
      [byKind, item.kind ?? "?"],
    ] as const) {
      const slice = (slices[key] ??= emptySlice());
      slice.count++;
      if (item.label === 1) slice.positives++;
      tally(slice.confusion, item.label, result.flagged);
    }
    if (item.label === 1 && typeof item.amountUsd === "number") {
      amount.stated++;
      if (amountMatches(item.amountUsd, result.amountUsd)) amount.matched++;
      else amount.misses.push({ id: item.id, expected: item.amountUsd, got: result.amountUsd });
    }
    if (result.flagged) {
      scoreCounts.set(result.score, (scoreCounts.get(result.score) ?? 0) + 1);
      severities[result.severity]++;
    }
    if (wrong) {
      const entry: Misclassified = {
        id: item.id,
        label: item.label,
        score: result.score,
        flagged: result.flagged,
        title: item.title,
        matched: result.matched,
      };
      (result.flagged ? falsePositives : falseNegatives).push(entry);
    }
  }
  amount.accuracy = ratio(amount.matched, amount.stated);
  const scores = [...scoreCounts]
    .map(([score, count]) => ({ score, count }))
    .sort((a, b) => b.score - a.score);
  const flagged = confusion.tp + confusion.fp;
  const precision = ratio(confusion.tp, confusion.tp + confusion.fp);
  const recall = ratio(confusion.tp, confusion.tp + confusion.fn);
  return {
    count: items.length,
    threshold: options.threshold,
    confusion,
    precision,
    recall,
    f1: ratio(2 * precision * recall, precision + recall),
    accuracy: ratio(confusion.tp + confusion.tn, items.length),
    byLanguage: finish(byLanguage),
    byKind: finish(byKind),
    amount,
    languageDetection,
    spread: {
      flagged,
      topScore: scores[0]?.score ?? null,
      topScoreShare: ratio(scores[0]?.count ?? 0, flagged),
      scores,
      severities,
    },
    misclassified: [...falsePositives, ...falseNegatives],
  };
}
