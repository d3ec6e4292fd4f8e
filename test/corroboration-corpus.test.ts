/**
 * Corroboration on the labelled dev corpus (test/fixtures): the matcher groups the 120 items into
 * stories as the pipeline does; every story told by several outlets is corroborated with one
 * independent source per outlet (none is counted as a syndicated copy of another: they are written
 * independently), and no single-outlet story is corroborated. Then a word-for-word copy of each
 * report, carried by another outlet, must not add a voice.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { classify } from "../lambdas/core/classifier/classify.ts";
import type { StorySource } from "../lambdas/core/model/types.ts";
import { corroborationOf } from "../lambdas/core/stories/corroboration.ts";
import { findMatchingStory, type MatchCandidate } from "../lambdas/core/stories/story.ts";
import { extractFeatures, type StoryFeatures } from "../lambdas/core/stories/story-features.ts";
import { htmlToText } from "../lambdas/core/text/html-to-text.ts";

interface CorpusItem {
  id: string;
  source: string;
  url: string;
  published: string;
  title: string;
  summary: string;
  dup_of?: string;
}

const items: CorpusItem[] = readFileSync(new URL("./fixtures/dev-articles.jsonl", import.meta.url), "utf8")
  .trim()
  .split("\n")
  .map((line) => JSON.parse(line) as CorpusItem);

function featuresOf(item: CorpusItem, articleId = item.id, feedId = item.source): StoryFeatures {
  const summary = htmlToText(item.summary);
  const verdict = classify({ title: item.title, summary });
  return extractFeatures({
    articleId,
    feedId,
    publishedAt: new Date(item.published).toISOString(),
    title: item.title,
    summary,
    actors: verdict.actors,
    amountUsd: verdict.amountUsd,
  });
}

const sourceOf = (
  item: CorpusItem,
  articleId = item.id,
  name = item.source,
  url = item.url,
): StorySource => ({
  articleId,
  feedId: name.toLowerCase().replace(/[^a-z0-9]+/g, "-"),
  name,
  url,
  title: item.title,
  publishedAt: new Date(item.published).toISOString(),
});

/** Stories of the corpus, as the pipeline's matcher forms them, with each story's sources and features. */
function storiesOf(): { sources: StorySource[]; features: StoryFeatures[] }[] {
  const byId = new Map(items.map((item) => [item.id, item]));
  const ordered = items
    .map((item) => featuresOf(item))
    .sort((a, b) => a.publishedAt.localeCompare(b.publishedAt));
  const stories: MatchCandidate[] = [];
  for (const features of ordered) {
    const match = findMatchingStory(features, stories);
    if (match) stories.find((story) => story.id === match.storyId)!.features.push(features);
    else stories.push({ id: features.articleId, publishedAt: features.publishedAt, features: [features] });
  }
  return stories.map((story) => ({
    features: story.features,
    sources: story.features.map((f) => sourceOf(byId.get(f.articleId)!)),
  }));
}

describe("corroboration on the dev corpus", () => {
  const stories = storiesOf();

  it("corroborates exactly the stories two or more outlets told, one voice per outlet", () => {
    const multi = stories.filter((story) => new Set(story.sources.map((source) => source.name)).size > 1);
    expect(multi.length).toBeGreaterThanOrEqual(10);
    for (const story of multi) {
      expect(corroborationOf(story.sources, story.features)).toMatchObject({
        corroborated: true,
        independentSources: new Set(story.sources.map((source) => source.name)).size,
      });
    }
    const single = stories.filter((story) => new Set(story.sources.map((source) => source.name)).size === 1);
    expect(single.filter((story) => corroborationOf(story.sources, story.features).corroborated)).toEqual([]);
  });

  it("never counts a word-for-word copy on another outlet as a second voice", () => {
    for (const item of items) {
      const copy = sourceOf(item, `${item.id}-copy`, "Wire Partner", `https://partner.example/${item.id}`);
      const features = [featuresOf(item), featuresOf(item, copy.articleId, copy.feedId)];
      expect(corroborationOf([sourceOf(item), copy], features)).toMatchObject({
        corroborated: false,
        independentSources: 1,
      });
    }
  });
});
