import { parseArgs } from "node:util";
import {
  type EvalReport,
  evaluate,
  type LabelledItem,
  type SliceReport,
} from "../../lambdas/core/classifier/evaluate.ts";
import { DEFAULT_RULES } from "../../lambdas/core/classifier/classify.ts";
import {
  LineError,
  loadRulesFile,
  parseArticleLine,
  parseThreshold,
  readLines,
  runWithUsage,
  UsageError,
} from "../classify-common.ts";
import type { Command } from "../command.ts";

const usage = `usage: heistwatch eval FILE [--json] [--threshold N] [--rules FILE] [--fail-under R]

Measures the rules on labelled JSON Lines (fields id, title, summary, content, label 0/1; optional
lang, kind and amount_usd): precision, recall, F1, accuracy, the confusion matrix, the same per
language and per kind, the event's amount within 1% on positives that state one, how flagged items
spread over scores and severities, and every misclassified item with its score and matched terms.

options:
  --json           print a machine-readable summary instead of the report
  --threshold N    flagging threshold, 0..100 (default: the rules' threshold)
  --rules FILE     rules document to evaluate instead of the bundled rules
  --fail-under R   exit 1 when precision or recall is below R (0..1), for CI`;

const fmt = (n: number) => n.toFixed(3);
const pct = (n: number) => `${(n * 100).toFixed(1)}%`;

function sliceTable(title: string, slices: Record<string, SliceReport>): string[] {
  const lines = [title, "  name                 items  pos   tp   fp   fn  precision  recall"];
  for (const [name, s] of Object.entries(slices)) {
    const { tp, fp, fn } = s.confusion;
    const cells = [s.count, s.positives, tp, fp, fn].map((n, i) => String(n).padStart(i === 0 ? 5 : 4));
    const precision = tp + fp === 0 ? "    -    " : fmt(s.precision).padStart(9);
    const recall = s.positives === 0 ? "     -" : fmt(s.recall).padStart(6);
    lines.push(`  ${name.padEnd(20)} ${cells.join(" ")}  ${precision}  ${recall}`);
  }
  return lines;
}

function report(file: string, r: EvalReport): string {
  const { tp, fp, fn, tn } = r.confusion;
  const lines = [
    `${file}: ${r.count} items, threshold ${r.threshold}`,
    "",
    `precision ${fmt(r.precision)}   recall ${fmt(r.recall)}   F1 ${fmt(r.f1)}   accuracy ${fmt(r.accuracy)}`,
    "",
    "             flagged  not flagged",
    `  label 1  ${String(tp).padStart(8)}  ${String(fn).padStart(11)}`,
    `  label 0  ${String(fp).padStart(8)}  ${String(tn).padStart(11)}`,
    "",
    ...sliceTable("per language (declared):", r.byLanguage),
    r.languageDetection.declared === 0
      ? "language detection: no item declares a language"
      : `language detection agrees with the declared language on ${r.languageDetection.agreed} of ${r.languageDetection.declared} items`,
    "",
    ...sliceTable("per kind:", r.byKind),
    "",
    r.amount.stated === 0
      ? "amount: no positive states an amount"
      : `amount: the event's amount within 1% on ${r.amount.matched} of ${r.amount.stated} positives that state one (${pct(r.amount.accuracy)})`,
    ...r.amount.misses.map((m) => `  ${m.id}  expected ${m.expected}, got ${m.got ?? "none"}`),
    "",
    `spread of the ${r.spread.flagged} flagged: top score ${r.spread.topScore ?? "-"} held by ${pct(r.spread.topScoreShare)}; severity high ${r.spread.severities.high}, medium ${r.spread.severities.medium}, low ${r.spread.severities.low}`,
    "",
    `misclassified: ${r.misclassified.length}`,
  ];
  for (const m of r.misclassified) {
    const kind = m.flagged ? "false positive" : "false negative";
    lines.push(`  ${m.id}  ${kind}  score ${m.score}  ${JSON.stringify(m.title)}`);
    const terms = m.matched
      .map((t) => `${t.group} "${t.text}" ${t.weight > 0 ? "+" : ""}${t.weight} (${t.field})`)
      .join(", ");
    lines.push(`      ${terms || "no terms matched"}`);
  }
  return lines.join("\n");
}

export const command: Command = {
  summary: "precision, recall and F1 of the rules on a labelled JSONL file",
  usage,
  run: (args) =>
    runWithUsage("eval", usage, async () => {
      const { values, positionals } = parseArgs({
        args,
        allowPositionals: true,
        options: {
          json: { type: "boolean", default: false },
          threshold: { type: "string" },
          rules: { type: "string" },
          "fail-under": { type: "string" },
        },
      });
      if (positionals.length !== 1) throw new UsageError("expected exactly one labelled FILE");
      const file = positionals[0]!;
      const failUnder = values["fail-under"] === undefined ? undefined : Number(values["fail-under"]);
      if (failUnder !== undefined && !(failUnder >= 0 && failUnder <= 1)) {
        throw new UsageError(`--fail-under must be a number from 0 to 1, got "${values["fail-under"]}"`);
      }
      const rules = values.rules ? await loadRulesFile(values.rules) : DEFAULT_RULES;
      const threshold = parseThreshold(values.threshold) ?? rules.scoring.threshold;

      const items: LabelledItem[] = [];
      let bad = 0;
      for await (const { line, text } of readLines(file)) {
        try {
          const { id, input, record } = parseArticleLine(text, line);
          const label = record.label === true ? 1 : record.label === false ? 0 : record.label;
          if (label !== 0 && label !== 1) throw new LineError(line, '"label" must be 0 or 1');
          const item: LabelledItem = { ...input, id: id === null ? `line ${line}` : String(id), label };
          if (typeof record.lang === "string") item.lang = record.lang;
          if (typeof record.kind === "string") item.kind = record.kind;
          const amount = record.amount_usd;
          if (amount === null || (typeof amount === "number" && Number.isFinite(amount)))
            item.amountUsd = amount;
          items.push(item);
        } catch (error) {
          if (!(error instanceof LineError)) throw error;
          bad++;
          console.error(`heistwatch eval: ${file}: ${error.message}`);
        }
      }
      if (items.length === 0) {
        console.error(`heistwatch eval: ${file}: no labelled items`);
        return 1;
      }
      const result = evaluate(items, { rules, threshold });
      if (values.json) {
        const {
          confusion,
          precision,
          recall,
          f1,
          accuracy,
          misclassified,
          byLanguage,
          byKind,
          amount,
          languageDetection,
          spread,
        } = result;
        const summary = {
          file,
          count: result.count,
          threshold,
          precision,
          recall,
          f1,
          accuracy,
          confusion,
          byLanguage,
          byKind,
          amount,
          languageDetection,
          spread,
          misclassified: misclassified.map((m) => ({
            id: m.id,
            label: m.label,
            score: m.score,
            flagged: m.flagged,
            title: m.title,
            matched: m.matched.map(({ term, group, weight, field, text }) => ({
              term,
              group,
              weight,
              field,
              text,
            })),
          })),
          badLines: bad,
        };
        console.log(JSON.stringify(summary, null, 2));
      } else {
        console.log(report(file, result));
      }
      if (bad > 0) return 1;
      if (failUnder !== undefined && (result.precision < failUnder || result.recall < failUnder)) {
        console.error(
          `heistwatch eval: precision ${fmt(result.precision)} or recall ${fmt(result.recall)} is below ${failUnder}`,
        );
        return 1;
      }
      return 0;
    }),
};
