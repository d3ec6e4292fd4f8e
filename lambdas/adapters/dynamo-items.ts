/**
 * Domain objects <-> DynamoDB items. Every text and list is capped here so that no item comes
 * near DynamoDB's 400 KB limit, whatever a feed sends.
 */
import type { StoryRecord } from "../core/model/ports.ts";
import type { StoryFeatures } from "../core/stories/story-features.ts";
import type { FeedState, MatchedTerm, StoredArticle, Story, StorySource } from "../core/model/types.ts";
import { GSI1_PARTITION, KEY_PREFIX } from "../contract.ts";
import { removeLoneSurrogates } from "../core/text/characters.ts";
import { truncate } from "../core/text/truncate.ts";

/** Item budget well under DynamoDB's 400 KB, leaving room for attribute names and growth. */
export const MAX_ITEM_BYTES = 200_000;

const CAP = {
  title: 500,
  summary: 2000,
  url: 2000,
  short: 200,
  matched: 60,
  categories: 20,
  authors: 20,
  sources: 100,
  features: 30,
  featureWords: 80,
  featureTerms: 30,
} as const;

const cut = (text: string | undefined, max: number) =>
  text === undefined ? undefined : truncate(removeLoneSurrogates(text), max);

function capMatched(matched: MatchedTerm[]): MatchedTerm[] {
  return matched.slice(0, CAP.matched).map((term) => ({
    ...term,
    term: cut(term.term, CAP.short) ?? "",
    group: cut(term.group, CAP.short) ?? "",
    text: cut(term.text, CAP.short) ?? "",
  }));
}

const capList = (values: string[], count: number) =>
  values.slice(0, count).map((value) => cut(value, CAP.short) ?? "");

/**
 * The stored article: full content is dropped (it served classification only), texts capped.
 * Unflagged articles get `ttl` (they are kept only to be skipped later); flagged ones never expire.
 */
export function toArticleItem(article: StoredArticle, unflaggedTtl: number): Record<string, unknown> {
  const { content: _content, ttl, ...rest } = article;
  return {
    ...rest,
    pk: `${KEY_PREFIX.article}${article.id}`,
    kind: "article",
    title: cut(article.title, CAP.title),
    summary: cut(article.summary, CAP.summary),
    url: article.url === null ? null : cut(article.url, CAP.url),
    author: cut(article.author, CAP.short),
    guid: cut(article.guid, CAP.url),
    categories: capList(article.categories, CAP.categories),
    matched: capMatched(article.matched),
    ttl: article.flagged ? undefined : (ttl ?? unflaggedTtl),
  };
}

export function fromArticleItem(item: Record<string, unknown>): StoredArticle {
  const { pk: _pk, kind: _kind, ...article } = item;
  return article as unknown as StoredArticle;
}

function capSource(source: StorySource): StorySource {
  return {
    ...source,
    name: cut(source.name, CAP.short) ?? "",
    title: cut(source.title, CAP.title) ?? "",
    url: source.url === null ? null : (cut(source.url, CAP.url) ?? null),
  };
}

function capFeatures(features: StoryFeatures): StoryFeatures {
  return {
    ...features,
    words: features.words.slice(0, CAP.featureWords),
    names: features.names.slice(0, CAP.featureTerms),
    titleNames: features.titleNames.slice(0, CAP.featureTerms),
    numbers: features.numbers.slice(0, CAP.featureTerms),
    years: features.years.slice(0, CAP.featureTerms),
    attribution: features.attribution.slice(0, CAP.featureTerms),
    titleWords: capList(features.titleWords, CAP.featureWords),
    // Incident identity (absent on features stored before it existed: kept absent).
    ...(features.victims ? { victims: capList(features.victims, CAP.featureTerms) } : {}),
    ...(features.kinds ? { kinds: capList(features.kinds, CAP.featureTerms) } : {}),
    ...(features.authorities ? { authorities: capList(features.authorities, CAP.featureTerms) } : {}),
    ...(features.specificActors
      ? { specificActors: capList(features.specificActors, CAP.featureTerms) }
      : {}),
  };
}

/** The story item: the public story at top level, plus GSI keys, version, features and alert state. */
export function toStoryItem(record: StoryRecord): Record<string, unknown> {
  const { story } = record;
  // Keep the first report's features and the most recent ones: the first anchors the story,
  // the recent ones follow how it is being told now.
  const features =
    record.features.length > CAP.features
      ? [record.features[0]!, ...record.features.slice(-(CAP.features - 1))]
      : record.features;
  const item: Record<string, unknown> = {
    ...story,
    pk: `${KEY_PREFIX.story}${story.id}`,
    gsi1pk: GSI1_PARTITION.flagged,
    gsi1sk: `${story.publishedAt}#${story.id}`,
    kind: "story",
    title: cut(story.title, CAP.title),
    summary: cut(story.summary, CAP.summary),
    url: story.url === null ? null : cut(story.url, CAP.url),
    matched: capMatched(story.matched),
    categories: capList(story.categories, CAP.categories),
    authors: capList(story.authors, CAP.authors),
    actors: capList(story.actors, CAP.featureTerms),
    sources: story.sources.slice(0, CAP.sources).map(capSource),
    version: record.version,
    features: features.map(capFeatures),
    alert: { ...record.alert, reasons: capList(record.alert.reasons, 10) },
  };
  // Belt and braces: if multi-byte text still makes it large, shed the least useful parts.
  while (Buffer.byteLength(JSON.stringify(item), "utf8") > MAX_ITEM_BYTES) {
    const sources = item.sources as StorySource[];
    const itemFeatures = item.features as StoryFeatures[];
    if (itemFeatures.length > 1) item.features = itemFeatures.slice(0, Math.ceil(itemFeatures.length / 2));
    else if (sources.length > 1) item.sources = sources.slice(0, Math.ceil(sources.length / 2));
    else if ((item.matched as MatchedTerm[]).length > 0) item.matched = [];
    else break;
  }
  return item;
}

export function fromStoryItem(item: Record<string, unknown>): StoryRecord {
  const { pk: _pk, gsi1pk: _gsi1pk, gsi1sk: _gsi1sk, kind: _kind, version, features, alert, ...story } = item;
  return {
    story: story as unknown as Story,
    version: Number(version ?? 0),
    features: (features as StoryFeatures[] | undefined) ?? [],
    alert: (alert as StoryRecord["alert"] | undefined) ?? { dueSeq: 0, sentSeq: 0, kind: "new", reasons: [] },
  };
}

export function toFeedStateItem(state: FeedState): Record<string, unknown> {
  return {
    ...state,
    lastError: cut(state.lastError, 1000),
    pk: `${KEY_PREFIX.feed}${state.feedId}`,
    gsi1pk: GSI1_PARTITION.feeds,
    gsi1sk: state.feedId,
    kind: "feed",
  };
}
