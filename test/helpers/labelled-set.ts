/** Reads a labelled JSON Lines set (dev, held-out, real-world) into items `evaluate` takes. */
import { readFileSync } from "node:fs";
import type { LabelledItem } from "../../lambdas/core/classifier/evaluate.ts";

export function readLabelledSet(path: string): LabelledItem[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line, i) => {
      const r = JSON.parse(line);
      if (r.label !== 0 && r.label !== 1) throw new Error(`${path} line ${i + 1}: label must be 0 or 1`);
      const item: LabelledItem = { id: r.id, title: r.title, summary: r.summary ?? "", label: r.label };
      if (typeof r.content === "string") item.content = r.content;
      if (typeof r.lang === "string") item.lang = r.lang;
      if (typeof r.kind === "string") item.kind = r.kind;
      if (r.amount_usd === null || typeof r.amount_usd === "number") item.amountUsd = r.amount_usd;
      return item;
    });
}
