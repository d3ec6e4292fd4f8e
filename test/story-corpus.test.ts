import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { classify } from "../lambdas/core/classifier/classify.ts";
import { findMatchingStory, type MatchCandidate } from "../lambdas/core/stories/story.ts";
import { extractFeatures, type StoryFeatures } from "../lambdas/core/stories/story-features.ts";
import { htmlToText } from "../lambdas/core/text/html-to-text.ts";

interface CorpusItem {
  id: string;
  source: string;
  published: string;
  title: string;
  summary: string;
  dup_of?: string;
}

const items: CorpusItem[] = readFileSync(new URL("./fixtures/dev-articles.jsonl", import.meta.url), "utf8")
  .trim()
  .split("\n")
  .map((line) => JSON.parse(line) as CorpusItem);

function featuresOf(item: CorpusItem): StoryFeatures {
  const summary = htmlToText(item.summary);
  const verdict = classify({ title: item.title, summary });
  return extractFeatures({
    articleId: item.id,
    feedId: item.source,
    publishedAt: new Date(item.published).toISOString(),
    title: item.title,
    summary,
    actors: verdict.actors,
    amountUsd: verdict.amountUsd,
  });
}

/** Every item, labelled or not, in publication order, through the matcher exactly as the pipeline uses it. */
function clusterCorpus(): Map<string, string> {
  const ordered = items.map(featuresOf).sort((a, b) => a.publishedAt.localeCompare(b.publishedAt));
  const stories: MatchCandidate[] = [];
  const storyOf = new Map<string, string>();
  for (const features of ordered) {
    const match = findMatchingStory(features, stories);
    if (match) {
      stories.find((story) => story.id === match.storyId)!.features.push(features);
      storyOf.set(features.articleId, match.storyId);
    } else {
      stories.push({ id: features.articleId, publishedAt: features.publishedAt, features: [features] });
      storyOf.set(features.articleId, features.articleId);
    }
  }
  return storyOf;
}

describe("stories across sources on the dev corpus", () => {
  const storyOf = clusterCorpus();
  const event = (id: string) => items.find((item) => item.id === id)?.dup_of ?? id;

  it("puts every dup_of pair (two cross-language) in one story", () => {
    const pairs = items.filter((item) => item.dup_of);
    expect(pairs).toHaveLength(10);
    const split = pairs.filter((item) => storyOf.get(item.id) !== storyOf.get(item.dup_of!));
    expect(split.map((item) => `${item.dup_of} / ${item.id}`)).toEqual([]);
  });

  it("never puts two different events in one story", () => {
    const eventsPerStory = new Map<string, Set<string>>();
    for (const [articleId, storyId] of storyOf) {
      const events = eventsPerStory.get(storyId) ?? new Set<string>();
      events.add(event(articleId));
      eventsPerStory.set(storyId, events);
    }
    const mixed = [...eventsPerStory.entries()].filter(([, events]) => events.size > 1);
    expect(mixed).toEqual([]);
    expect(eventsPerStory.size).toBe(items.length - 10);
  });
});
