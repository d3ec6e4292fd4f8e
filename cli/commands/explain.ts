import { parseArgs } from "node:util";
import {
  type ClassifyInput,
  type Explanation,
  explainClassification,
} from "../../lambdas/core/classifier/classify.ts";
import { htmlToText } from "../../lambdas/core/text/html-to-text.ts";
import type { TextField } from "../../lambdas/core/model/types.ts";
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

const usage = `usage: heistwatch explain [JSON] [--title T] [--summary S] [--content C] [--rules FILE] [--threshold N]

Explains one article's score for a person tuning rules: every matched term with its group,
points, field and where it stood, the totals per group, bonuses, and why it was flagged or not.

The article comes from a JSON line given as the argument, from --title/--summary/--content,
or from the first line of stdin.

examples:
  heistwatch explain --title "Lazarus stole \\$100 million from a bridge, FBI says"
  head -1 articles.jsonl | heistwatch explain`;

const CONTEXT = 30;

/** The match in its surroundings: …text before [match] text after… */
function where(plain: string, start: number, end: number): string {
  const before = plain.slice(Math.max(0, start - CONTEXT), start);
  const after = plain.slice(end, end + CONTEXT);
  const lead = start > CONTEXT ? "…" : "";
  const trail = end + CONTEXT < plain.length ? "…" : "";
  return `${lead}${before}[${plain.slice(start, end)}]${after}${trail}`;
}

const signed = (n: number) => (n > 0 ? `+${n}` : `${n}`);

/** Renders an explanation as text; exported for tests. */
export function renderExplanation(input: ClassifyInput, x: Explanation): string {
  const c = x.classification;
  const plain: Record<TextField, string> = {
    title: htmlToText(input.title),
    summary: htmlToText(input.summary ?? ""),
    content: htmlToText(input.content ?? ""),
  };
  const amount = c.amountUsd === null ? "none stated" : `$${c.amountUsd.toLocaleString("en-US")}`;
  const lines = [
    `score ${c.score}/100 (raw ${x.rawScore} points, scale ${c.scoreScale}, threshold ${x.threshold}): ${c.flagged ? "FLAGGED" : "not flagged"}, severity ${c.severity}`,
    `actors: ${c.actors.join(", ") || "none"}   attribution: ${c.attribution ?? "none"}   amount: ${amount}`,
    "",
    "why:",
    ...x.reasons.map((r) => `  - ${r}`),
    "",
    `matched terms (${c.matched.length}):`,
  ];
  const width = Math.max(5, ...c.matched.map((m) => m.group.length));
  for (const m of c.matched) {
    lines.push(
      `  ${m.field.padEnd(7)} ${m.group.padEnd(width)} ${signed(m.weight).padStart(6)}  ${JSON.stringify(m.term)} at ${m.start}-${m.end}: ${where(plain[m.field], m.start, m.end)}`,
    );
  }
  if (c.matched.length === 0) lines.push("  (none)");
  lines.push("", "totals by group:");
  for (const g of x.groups) {
    lines.push(
      `  ${g.group.padEnd(width)} ${signed(g.points).padStart(6)}  (${g.matches} matched, cap ${g.cap})`,
    );
  }
  for (const b of x.bonuses)
    lines.push(`  ${b.name.padEnd(width)} ${signed(b.points).padStart(6)}  ${b.reason}`);
  lines.push(
    "",
    `raw total ${x.rawScore}; score = round(100 * (1 - exp(-raw / ${c.scoreScale})))${x.hasActor && x.hasTheft ? "" : `, capped at ${x.unmetCap} because actor or theft evidence is missing`} = ${c.score}; flagged at ${x.threshold} or more`,
  );
  return lines.join("\n");
}

async function firstStdinLine(): Promise<{ line: number; text: string }> {
  for await (const entry of readLines(undefined)) return entry;
  throw new UsageError("no article: stdin was empty");
}

export const command: Command = {
  summary: "a readable breakdown of one article's score, for tuning rules",
  usage,
  run: (args) =>
    runWithUsage("explain", usage, async () => {
      const { values, positionals } = parseArgs({
        args,
        allowPositionals: true,
        options: {
          title: { type: "string" },
          summary: { type: "string" },
          content: { type: "string" },
          rules: { type: "string" },
          threshold: { type: "string" },
        },
      });
      if (positionals.length > 1) throw new UsageError("expected at most one JSON argument (quote it)");
      const fromFlags =
        values.title !== undefined || values.summary !== undefined || values.content !== undefined;
      if (fromFlags && positionals.length > 0)
        throw new UsageError("give either a JSON argument or --title/--summary");
      const threshold = parseThreshold(values.threshold);
      const rules = values.rules ? await loadRulesFile(values.rules) : undefined;

      let input: ClassifyInput;
      if (fromFlags) {
        input = { title: values.title ?? "" };
        if (values.summary !== undefined) input.summary = values.summary;
        if (values.content !== undefined) input.content = values.content;
      } else {
        if (positionals.length === 0 && process.stdin.isTTY) {
          throw new UsageError("no article: pass a JSON line, --title/--summary, or pipe JSON into stdin");
        }
        const source = positionals.length > 0 ? { line: 1, text: positionals[0]! } : await firstStdinLine();
        try {
          input = parseArticleLine(source.text, source.line).input;
        } catch (error) {
          if (error instanceof LineError) {
            console.error(`heistwatch explain: ${error.message}`);
            return 1;
          }
          throw error;
        }
      }
      const explanation = explainClassification(input, {
        ...(threshold !== undefined && { threshold }),
        ...(rules && { rules }),
      });
      console.log(renderExplanation(input, explanation));
      return 0;
    }),
};
