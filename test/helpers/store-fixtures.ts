/** Small builders for stored articles and story records, shared by the store and pipeline tests. */
import type { StoryRecord } from "../../lambdas/core/model/ports.ts";
import type { StoredArticle, Story } from "../../lambdas/core/model/types.ts";

export function storedArticle(overrides: Partial<StoredArticle> = {}): StoredArticle {
  return {
    id: "a1",
    url: "https://news.example/a1",
    title: "Lazarus Group drains $50 million from ExampleSwap",
    summary: "The bridge was drained overnight.",
    feedId: "feed-a",
    source: "Feed A",
    publishedAt: "2025-01-10T10:00:00.000Z",
    fetchedAt: "2025-01-10T10:05:00.000Z",
    dateQuality: "ok",
    categories: [],
    score: 80,
    flagged: true,
    severity: "high",
    actors: ["Lazarus Group"],
    amountUsd: 50_000_000,
    attribution: "attributed",
    matched: [],
    storyId: null,
    ...overrides,
  };
}

export function storyRecord(overrides: Partial<Story> = {}, dueSeq = 1): StoryRecord {
  const story: Story = {
    id: "s1",
    title: "Lazarus Group drains $50 million from ExampleSwap",
    summary: "The bridge was drained overnight.",
    url: "https://news.example/a1",
    publishedAt: "2025-01-10T10:00:00.000Z",
    updatedAt: "2025-01-10T10:05:00.000Z",
    score: 80,
    severity: "high",
    actors: ["Lazarus Group"],
    amountUsd: 50_000_000,
    attribution: "attributed",
    matched: [],
    categories: [],
    authors: [],
    sources: [
      {
        articleId: "a1",
        feedId: "feed-a",
        name: "Feed A",
        url: "https://news.example/a1",
        title: "Lazarus Group drains $50 million from ExampleSwap",
        publishedAt: "2025-01-10T10:00:00.000Z",
      },
    ],
    ...overrides,
  };
  return { story, version: 1, features: [], alert: { dueSeq, sentSeq: 0, kind: "new", reasons: [] } };
}
