/**
 * Measures rules against labelled articles: precision, recall, F1, the confusion matrix, and the
 * items the rules got wrong with the evidence behind each mistake.
 */
import { type ClassifyInput, type ClassifyOptions, classify } from "./classify.ts";
import type { MatchedTerm } from "../model/types.ts";

export interface LabelledItem extends ClassifyInput {
  id: string;
  /** 1 (should be flagged) or 0. */
  label: 0 | 1;
}

export interface Misclassified {
  id: string;
  label: 0 | 1;
  score: number;
  flagged: boolean;
  title: string;
  matched: MatchedTerm[];
}

export interface EvalReport {
  count: number;
  threshold: number;
  /** tp: flagged and labelled 1; fp: flagged, labelled 0; fn: missed 1; tn: rightly not flagged. */
  confusion: { tp: number; fp: number; fn: number; tn: number };
  precision: number;
  recall: number;
  f1: number;
  accuracy: number;
  /** False positives then false negatives, each in input order. */
  misclassified: Misclassified[];
}

const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);

/** Classifies every item and compares the verdicts with the labels. */
export function evaluate(
  items: readonly LabelledItem[],
  options: ClassifyOptions & { threshold: number },
): EvalReport {
  const confusion = { tp: 0, fp: 0, fn: 0, tn: 0 };
  const falsePositives: Misclassified[] = [];
  const falseNegatives: Misclassified[] = [];
  for (const item of items) {
    const result = classify(item, options);
    const wrong = result.flagged !== (item.label === 1);
    if (result.flagged) confusion[item.label === 1 ? "tp" : "fp"]++;
    else confusion[item.label === 1 ? "fn" : "tn"]++;
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
    misclassified: [...falsePositives, ...falseNegatives],
  };
}
