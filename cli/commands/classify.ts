import { parseArgs } from "node:util";
import { classify } from "../../lambdas/core/classifier/classify.ts";
import {
  LineError,
  loadRulesFile,
  parseArticleLine,
  parseThreshold,
  readLines,
  runWithUsage,
  UsageError,
  writeOut,
} from "../classify-common.ts";
import type { Command } from "../command.ts";

const usage = `usage: heistwatch classify [FILE] [--rules FILE] [--threshold N]

Scores JSON Lines articles from FILE (or stdin) and prints one JSON line per article, in order:
  {"id","score","rawScore","scoreScale","threshold","flagged","severity","actors","amountUsd",
   "attribution","language","matched"}

Input fields: id, title (required), summary, content (optional); other fields are ignored.
A bad line is reported on stderr with its line number; the other lines are still classified,
and the command then exits 1.

options:
  --rules FILE     rules document to use instead of the bundled rules (see docs/classifier.md)
  --threshold N    flagging threshold, 0..100 (default: the rules' threshold)`;

export const command: Command = {
  summary: "score JSON Lines articles (FILE or stdin), one JSON result per line",
  usage,
  run: (args) =>
    runWithUsage("classify", usage, async () => {
      const { values, positionals } = parseArgs({
        args,
        allowPositionals: true,
        options: { rules: { type: "string" }, threshold: { type: "string" } },
      });
      if (positionals.length > 1)
        throw new UsageError(`expected at most one FILE, got ${positionals.length}`);
      const threshold = parseThreshold(values.threshold);
      const rules = values.rules ? await loadRulesFile(values.rules) : undefined;
      const options = { ...(threshold !== undefined && { threshold }), ...(rules && { rules }) };

      let bad = 0;
      for await (const { line, text } of readLines(positionals[0])) {
        try {
          const { id, input } = parseArticleLine(text, line);
          const c = classify(input, options);
          await writeOut(
            `${JSON.stringify({
              id,
              score: c.score,
              rawScore: c.rawScore,
              scoreScale: c.scoreScale,
              threshold: c.threshold,
              flagged: c.flagged,
              severity: c.severity,
              actors: c.actors,
              amountUsd: c.amountUsd,
              attribution: c.attribution,
              language: c.language,
              matched: c.matched,
            })}\n`,
          );
        } catch (error) {
          if (!(error instanceof LineError)) throw error;
          bad++;
          console.error(`heistwatch classify: ${error.message}`);
        }
      }
      return bad > 0 ? 1 : 0;
    }),
};
