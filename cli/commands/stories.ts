import { parseArgs } from "node:util";
import { classify } from "../../lambdas/core/classifier/classify.ts";
import {
  type ClusteredStory,
  type ClusterScore,
  clusterFeatures,
  scoreClustering,
} from "../../lambdas/core/stories/cluster.ts";
import {
  compareFeatures,
  DEFAULT_STORY_WINDOW_HOURS,
  describeEvidence,
} from "../../lambdas/core/stories/story.ts";
import { extractFeatures, type StoryFeatures } from "../../lambdas/core/stories/story-features.ts";
import { htmlToText } from "../../lambdas/core/text/html-to-text.ts";
import { LineError, parseArticleLine, readLines, runWithUsage, UsageError } from "../classify-common.ts";
import { type Command, EXIT } from "../command.ts";

const usage = `usage: heistwatch stories FILE [--flagged classifier|label|all] [--window HOURS] [--json] [--quiet]

Clusters JSON Lines articles (fields id, title, summary, published; optional source, label,
dup_of) into stories with the pipeline's own matcher, in publication order, and prints each
story with its members and why each joined (shared victim, amount, actor, names, figures,
similarity). When the file carries dup_of links (an item -> an earlier item telling the same
story), it also prints the pair recall and the stories that mix different events.

options:
  --flagged WHICH  which articles are clustered: those the classifier flags ("classifier",
                   the default, as the pipeline does), those labelled 1 ("label"), or "all"
  --window HOURS   how long after a story's first report a follow-up may join it
                   (default ${DEFAULT_STORY_WINDOW_HOURS}, 30 days)
  --json           print a machine-readable summary instead of the report
  --quiet          print only the figures and the split or mixed stories`;

/** One article of the file, with its features and link. */
export interface FileArticle {
  id: string;
  /** Plain text, as the pipeline stores it. */
  title: string;
  summary: string;
  source: string;
  /** The classifier's actors for it. */
  actors: string[];
  dupOf?: string;
  features: StoryFeatures;
}

/** Reads one JSON line as an article ready to cluster; throws LineError naming the line. */
export function readArticle(
  text: string,
  line: number,
  which: "classifier" | "label" | "all",
): FileArticle | null {
  const { id, input, record } = parseArticleLine(text, line);
  if (id === null) throw new LineError(line, 'missing "id"');
  const published = record.published ?? record.publishedAt;
  if (typeof published !== "string" || Number.isNaN(Date.parse(published))) {
    throw new LineError(line, '"published" must be an ISO 8601 date');
  }
  const summary = htmlToText(input.summary ?? "");
  const title = htmlToText(input.title);
  const verdict = classify({ title, summary, content: input.content });
  if (which === "classifier" && !verdict.flagged) return null;
  if (which === "label") {
    if (record.label !== 0 && record.label !== 1) throw new LineError(line, '"label" must be 0 or 1');
    if (record.label !== 1) return null;
  }
  const source = typeof record.source === "string" ? record.source : "";
  const dupOf = record.dup_of;
  if (dupOf !== undefined && dupOf !== null && typeof dupOf !== "string") {
    throw new LineError(line, '"dup_of" must be a string id');
  }
  return {
    id: String(id),
    title,
    summary,
    source,
    actors: verdict.actors,
    dupOf: dupOf ?? undefined,
    features: extractFeatures({
      articleId: String(id),
      feedId: source,
      sourceName: source,
      publishedAt: new Date(published).toISOString(),
      title,
      summary,
      actors: verdict.actors,
      amountUsd: verdict.amountUsd,
    }),
  };
}

function report(
  file: string,
  articles: Map<string, FileArticle>,
  stories: ClusteredStory[],
  score: ClusterScore | null,
  quiet: boolean,
): string {
  const lines = [`${file}: ${articles.size} articles in ${stories.length} stories`];
  const label = (id: string) => {
    const article = articles.get(id);
    return article
      ? `${id}  ${article.source ? `[${article.source}] ` : ""}${JSON.stringify(article.title)}`
      : id;
  };
  if (!quiet) {
    for (const story of stories.filter((s) => s.members.length > 1)) {
      lines.push("", `story ${story.id} (${story.members.length} articles)`);
      for (const member of story.members) {
        lines.push(`  ${member.features.publishedAt.slice(0, 10)}  ${label(member.features.articleId)}`);
        lines.push(
          `      ${member.joinedBecause ? `joined: ${describeEvidence(member.joinedBecause)}` : "founded the story"}`,
        );
      }
    }
    const single = stories.filter((s) => s.members.length === 1).length;
    lines.push("", `${single} stories with one article`);
  }
  if (score) {
    const recall = score.pairs === 0 ? 1 : score.together / score.pairs;
    lines.push(
      "",
      `pairs (dup_of): ${score.together} of ${score.pairs} in one story (${(recall * 100).toFixed(1)}%)`,
      `mixed stories: ${score.mixed.length} of ${score.stories} (${((100 * score.mixed.length) / Math.max(1, score.stories)).toFixed(1)}%)`,
    );
    for (const [earlier, later] of score.split) {
      lines.push(`  split: ${label(earlier)}`, `     vs  ${label(later)}`);
      const a = articles.get(earlier)?.features;
      const b = articles.get(later)?.features;
      if (a && b) lines.push(`     why: ${describeEvidence(compareFeatures(b, a))}`);
    }
    for (const mixed of score.mixed) {
      lines.push(`  mixed: story ${mixed.storyId} holds events ${mixed.events.join(", ")}`);
    }
    if (score.sameOutletJoins.length > 0) {
      lines.push(
        `same-outlet follow-ups joined: ${score.sameOutletJoins.length} (not counted as mixed: dup_of links different outlets only)`,
      );
      for (const join of score.sameOutletJoins) {
        lines.push(`  story ${join.storyId} holds ${join.events.join(", ")}`);
      }
    }
  }
  return lines.join("\n");
}

export const command: Command = {
  summary: "cluster a JSONL file into stories and explain each merge (pair recall with dup_of)",
  usage,
  run: (args) =>
    runWithUsage("stories", usage, async () => {
      const { values, positionals } = parseArgs({
        args,
        allowPositionals: true,
        options: {
          flagged: { type: "string", default: "classifier" },
          window: { type: "string" },
          json: { type: "boolean", default: false },
          quiet: { type: "boolean", default: false },
        },
      });
      if (positionals.length !== 1) throw new UsageError("expected exactly one FILE");
      const which = values.flagged;
      if (which !== "classifier" && which !== "label" && which !== "all") {
        throw new UsageError(`--flagged must be classifier, label or all, got "${which}"`);
      }
      const windowHours = values.window === undefined ? DEFAULT_STORY_WINDOW_HOURS : Number(values.window);
      if (!Number.isFinite(windowHours) || windowHours <= 0) {
        throw new UsageError(`--window must be a positive number of hours, got "${values.window}"`);
      }
      const file = positionals[0]!;
      const articles = new Map<string, FileArticle>();
      let bad = 0;
      for await (const { line, text } of readLines(file)) {
        try {
          const article = readArticle(text, line, which);
          if (article) articles.set(article.id, article);
        } catch (error) {
          if (!(error instanceof LineError)) throw error;
          bad++;
          console.error(`heistwatch stories: ${file}: ${error.message}`);
        }
      }
      const stories = clusterFeatures(
        [...articles.values()].map((article) => article.features),
        windowHours,
      );
      const links = new Map<string, string>();
      for (const article of articles.values()) if (article.dupOf) links.set(article.id, article.dupOf);
      const score =
        links.size > 0 ? scoreClustering(stories, links, (id) => articles.get(id)?.source ?? "") : null;
      if (values.json) {
        const summary = {
          file,
          articles: articles.size,
          windowHours,
          flagged: which,
          stories: stories.map((story) => ({
            id: story.id,
            members: story.members.map((member) => ({
              id: member.features.articleId,
              joined: member.joinedBecause,
            })),
          })),
          score,
          badLines: bad,
        };
        console.log(JSON.stringify(summary, null, 2));
      } else {
        console.log(report(file, articles, stories, score, values.quiet));
      }
      return bad > 0 ? EXIT.failed : EXIT.ok;
    }),
};
