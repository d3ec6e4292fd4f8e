/**
 * Stories for the public API and renderer tests, and a small in-memory StoryReader with the
 * same contract as the DynamoDB one (newest first, opaque keyset cursor, filters).
 */
import { decodeCursor, encodeCursor } from "../../lambdas/core/api/cursor.ts";
import type { StoryPage, StoryQuery, StoryReader } from "../../lambdas/core/model/ports.ts";
import type { Story } from "../../lambdas/core/model/types.ts";

let counter = 0;

/** A plausible flagged story; `overrides` replace any field. */
export function makeStory(overrides: Partial<Story> = {}): Story {
  counter++;
  const id = overrides.id ?? `story-${String(counter).padStart(5, "0")}`;
  const publishedAt =
    overrides.publishedAt ?? new Date(Date.UTC(2025, 5, 1) + counter * 60_000).toISOString();
  return {
    id,
    title: `Lazarus Group drains $${counter} million from exchange hot wallet`,
    summary:
      "Investigators attribute the theft to North Korea's Lazarus Group; funds were laundered via mixers.",
    url: `https://news.example.com/articles/${id}`,
    publishedAt,
    updatedAt: publishedAt,
    score: 80,
    severity: "high",
    actors: ["Lazarus Group", "DPRK"],
    amountUsd: counter * 1_000_000,
    attribution: "attributed",
    matched: [
      {
        term: "lazarus",
        group: "actor",
        weight: 30,
        field: "title",
        start: 0,
        end: 13,
        text: "Lazarus Group",
      },
      { term: "drained", group: "theft", weight: 20, field: "title", start: 14, end: 20, text: "drains" },
    ],
    categories: ["crypto"],
    authors: ["A. Reporter"],
    sources: [
      {
        articleId: `a-${id}`,
        feedId: "the-record",
        name: "The Record",
        url: `https://news.example.com/articles/${id}`,
        title: "Lazarus drains exchange",
        publishedAt,
      },
    ],
    ...overrides,
  };
}

/** True when the story passes the query's filters (the store's documented semantics). */
export function matchesQuery(story: Story, query: Omit<StoryQuery, "limit" | "cursor">): boolean {
  const actor = query.actor?.toLowerCase();
  return (
    (query.minScore === undefined || story.score >= query.minScore) &&
    (query.severity === undefined || story.severity === query.severity) &&
    (actor === undefined || story.actors.some((a) => a.toLowerCase() === actor))
  );
}

/** Newest first by publishedAt, then id (the index's sort key order, descending). */
function sortKey(story: Story): string {
  return `${story.publishedAt}#${story.id}`;
}

/** In-memory StoryReader; `stories` may be appended to between calls. */
export function memoryReader(stories: Story[]): StoryReader & { calls: StoryQuery[] } {
  const calls: StoryQuery[] = [];
  return {
    calls,
    async listFlaggedStories(query: StoryQuery): Promise<StoryPage> {
      calls.push(query);
      const position = query.cursor ? decodeCursor(query.cursor) : undefined;
      const after = position ? `${position.publishedAt}#${position.storyId}` : undefined;
      const sorted = [...stories].sort((a, b) => (sortKey(a) < sortKey(b) ? 1 : -1));
      const eligible = sorted.filter(
        (s) => (after === undefined || sortKey(s) < after) && matchesQuery(s, query),
      );
      const page = eligible.slice(0, query.limit);
      const last = page.at(-1);
      return {
        stories: page,
        nextCursor:
          eligible.length > page.length && last
            ? encodeCursor({ publishedAt: last.publishedAt, storyId: last.id })
            : null,
      };
    },
    async getStory(id: string) {
      return stories.find((s) => s.id === id) ?? null;
    },
  };
}

/** Log that records what was logged, for asserting errors are logged and not shown. */
export function recordingLog() {
  const entries: { level: string; message: string; extra?: Record<string, unknown> }[] = [];
  const at = (level: string) => (message: string, extra?: Record<string, unknown>) => {
    entries.push({ level, message, extra });
  };
  return { entries, debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

/** A title and summary carrying every attack the renderers must neutralise. */
export const HOSTILE = {
  title: `<script>alert(1)</script> "><img src=x onerror=alert(2)> ]]> \u0000\u0001\u0008\u000B\u001F\u007F\u0085 end`,
  summary: `Click <a href="javascript:alert(3)">here</a> ]]></description><injected/> '"><svg onload=alert(4)> \uFFFE\uD800 done`,
  url: "javascript:alert(5)",
  sourceUrl: "data:text/html,<script>alert(6)</script>",
  longTitle: `Lazarus ${"A".repeat(100 * 1024)}`,
};
