/**
 * Stories across sources: whether an article reports the same event as an existing story
 * (similar words AND shared specifics: names, figures, amounts, within a time window), and how
 * a story absorbs a new report (every source kept, the strongest claims win). Pure.
 */
import type { AlertState, StoryRecord } from "../model/ports.ts";
import type { StoryFeatures } from "./story-features.ts";
import { mergeRecords } from "../record/extract-record.ts";
import type { AttributionStage, Severity, StoredArticle, Story, StorySource } from "../model/types.ts";

/** Reports more than this far apart (by publication time) are different stories. */
export const DEFAULT_STORY_WINDOW_HOURS = 72;

/** Evidence points needed to call two reports one story (see compareFeatures). */
export const MATCH_THRESHOLD = 4;

const SEVERITY_RANK: Record<Severity, number> = { low: 0, medium: 1, high: 2 };
const ATTRIBUTION_RANK: Record<AttributionStage, number> = { suspected: 0, attributed: 1, confirmed: 2 };

/** Why two reports do or do not look like the same event. */
export interface MatchEvidence {
  /** Distinctive names both mention (an exchange, a protocol, a malware family...). */
  sharedNames: string[];
  /** Figures both state (rounded), other than years. */
  sharedNumbers: string[];
  sharedYears: string[];
  /** Actors and attributing bodies both name: common to many events, so weak. */
  sharedAttribution: string[];
  /** Stated amounts: within a factor 1.5, more than a factor 3 apart, or not both stated. */
  amounts: "agree" | "conflict" | "unknown";
  /** Jaccard similarity of the content words. */
  wordSimilarity: number;
  /** Jaccard similarity of the headline words alone. */
  titleSimilarity: number;
  score: number;
  same: boolean;
}

function jaccard(a: Set<string>, b: Set<string>): number {
  const union = new Set([...a, ...b]).size;
  return union === 0 ? 0 : intersect(a, b).length / union;
}

function intersect(a: Iterable<string>, b: Set<string>): string[] {
  return [...new Set([...a].filter((value) => b.has(value)))];
}

/**
 * Compares two reports. A match needs at least one specific in common (a distinctive name or a
 * figure) AND enough evidence overall: names and figures weigh 2 each, agreeing amounts 1.5,
 * years and attribution 0.5 each (at most two of each), word similarity 10 x Jaccard, headline
 * similarity 5 x Jaccard, and closeness in time up to 1.5 (fading to 0 at 24 hours apart);
 * when both state figures and none agree, 1 is taken off.
 * Amounts far apart veto a match that rests on a single specific: "Lazarus" and one shared name
 * are not enough when one report says $5 million and the other $600 million.
 */
export function compareFeatures(a: StoryFeatures, b: StoryFeatures): MatchEvidence {
  const wordsA = new Set(a.words);
  const wordsB = new Set(b.words);
  const vocabularyA = new Set([...a.names, ...a.words]);
  const vocabularyB = new Set([...b.names, ...b.words]);
  const sharedNames = [...new Set([...intersect(a.names, vocabularyB), ...intersect(b.names, vocabularyA)])];
  const sharedNumbers = intersect(a.numbers, new Set(b.numbers));
  const sharedYears = intersect(a.years, new Set(b.years));
  const sharedAttribution = intersect(a.attribution, new Set(b.attribution));
  const wordSimilarity = jaccard(wordsA, wordsB);
  const titleSimilarity = jaccard(new Set(a.titleWords), new Set(b.titleWords));
  const hoursApart = Math.abs(Date.parse(a.publishedAt) - Date.parse(b.publishedAt)) / 3_600_000;

  let amounts: MatchEvidence["amounts"] = "unknown";
  if (a.amountUsd !== null && b.amountUsd !== null && a.amountUsd > 0 && b.amountUsd > 0) {
    const ratio = Math.max(a.amountUsd, b.amountUsd) / Math.min(a.amountUsd, b.amountUsd);
    amounts = ratio <= 1.5 ? "agree" : ratio > 3 ? "conflict" : "unknown";
  }
  const specifics = sharedNames.length + sharedNumbers.length;
  // Both state figures and none agree: they are probably describing different facts.
  const figuresDisagree = a.numbers.length > 0 && b.numbers.length > 0 && sharedNumbers.length === 0;
  const score =
    2 * sharedNames.length +
    2 * sharedNumbers.length +
    0.5 * Math.min(2, sharedYears.length) +
    0.5 * Math.min(2, sharedAttribution.length) +
    (amounts === "agree" ? 1.5 : 0) +
    10 * wordSimilarity +
    5 * titleSimilarity +
    // Reports of one event break within hours of each other; follow-ups days later share names, not the moment.
    1.5 * Math.max(0, 1 - hoursApart / 24) -
    (figuresDisagree ? 1 : 0);
  const same = specifics >= 1 && score >= MATCH_THRESHOLD && !(amounts === "conflict" && specifics < 2);
  return {
    sharedNames,
    sharedNumbers,
    sharedYears,
    sharedAttribution,
    amounts,
    wordSimilarity,
    titleSimilarity,
    score: Math.round(score * 100) / 100,
    same,
  };
}

/** A story as the matcher needs it: its id, first-report time and the features of its sources. */
export interface MatchCandidate {
  id: string;
  publishedAt: string;
  features: StoryFeatures[];
}

/**
 * The best existing story for an article, or null for a new story. Only stories first reported
 * within `windowHours` of the article qualify; among them the highest-scoring match wins.
 */
export function findMatchingStory(
  features: StoryFeatures,
  candidates: MatchCandidate[],
  windowHours = DEFAULT_STORY_WINDOW_HOURS,
): { storyId: string; evidence: MatchEvidence } | null {
  const at = Date.parse(features.publishedAt);
  let best: { storyId: string; evidence: MatchEvidence } | null = null;
  for (const candidate of candidates) {
    if (Math.abs(Date.parse(candidate.publishedAt) - at) > windowHours * 3_600_000) continue;
    for (const other of candidate.features) {
      const evidence = compareFeatures(features, other);
      if (evidence.same && (!best || evidence.score > best.evidence.score)) {
        best = { storyId: candidate.id, evidence };
      }
    }
  }
  return best;
}

function sourceOf(article: StoredArticle): StorySource {
  return {
    articleId: article.id,
    feedId: article.feedId,
    name: article.source,
    url: article.url,
    title: article.title,
    publishedAt: article.publishedAt,
  };
}

const union = (a: string[], b: string[]) => [...new Set([...a, ...b])];

/**
 * A new story founded by one flagged article. Its id is the article's id, so two pollers that
 * race on the same article create the same story and the conditional create lets only one win.
 */
export function newStoryRecord(article: StoredArticle, features: StoryFeatures, now: Date): StoryRecord {
  return {
    story: {
      id: article.id,
      title: article.title,
      summary: article.summary,
      url: article.url,
      publishedAt: article.publishedAt,
      updatedAt: now.toISOString(),
      score: article.score,
      severity: article.severity,
      actors: article.actors,
      amountUsd: article.amountUsd,
      attribution: article.attribution,
      matched: article.matched,
      categories: article.categories,
      authors: article.author ? [article.author] : [],
      sources: [sourceOf(article)],
      ...(article.record ? { record: article.record } : {}),
    },
    version: 0,
    features: [features],
    alert: { dueSeq: 1, sentSeq: 0, kind: "new", reasons: [] },
  };
}

function strongerAttribution(
  a: AttributionStage | null,
  b: AttributionStage | null,
): AttributionStage | null {
  if (a === null) return b;
  if (b === null) return a;
  return ATTRIBUTION_RANK[b] > ATTRIBUTION_RANK[a] ? b : a;
}

/**
 * What changed since subscribers were last told, in words; empty when nothing escalated.
 * A new source alone is never an escalation.
 */
export function escalationReasons(alerted: NonNullable<Story["alerted"]>, story: Story): string[] {
  const reasons: string[] = [];
  if (
    story.attribution !== null &&
    (alerted.attribution === null ||
      ATTRIBUTION_RANK[story.attribution] > ATTRIBUTION_RANK[alerted.attribution])
  ) {
    reasons.push(`attribution upgraded to ${story.attribution}`);
  }
  if (alerted.amountUsd !== null && story.amountUsd !== null && story.amountUsd > alerted.amountUsd * 1.5) {
    reasons.push(
      `amount revised up from $${alerted.amountUsd.toLocaleString("en-US")} to $${story.amountUsd.toLocaleString("en-US")}`,
    );
  }
  if (SEVERITY_RANK[story.severity] > SEVERITY_RANK[alerted.severity]) {
    reasons.push(`severity raised to ${story.severity}`);
  }
  return reasons;
}

/**
 * Adds an article to a story: every source kept, highest score (and its evidence), highest
 * severity, largest amount, strongest attribution, union of actors. Owes an update alert when
 * the story escalated past what subscribers were told. Idempotent: an article already among
 * the sources leaves the record unchanged (changed = false).
 */
export function mergeIntoStory(
  record: StoryRecord,
  article: StoredArticle,
  features: StoryFeatures,
  now: Date,
): { record: StoryRecord; changed: boolean } {
  const { story } = record;
  if (story.sources.some((source) => source.articleId === article.id)) return { record, changed: false };
  const merged: Story = {
    ...story,
    publishedAt: [article.publishedAt, story.publishedAt].sort()[0]!,
    updatedAt: now.toISOString(),
    score: Math.max(story.score, article.score),
    matched: article.score > story.score ? article.matched : story.matched,
    severity:
      SEVERITY_RANK[article.severity] > SEVERITY_RANK[story.severity] ? article.severity : story.severity,
    actors: union(story.actors, article.actors),
    amountUsd:
      story.amountUsd === null || (article.amountUsd !== null && article.amountUsd > story.amountUsd)
        ? article.amountUsd
        : story.amountUsd,
    attribution: strongerAttribution(story.attribution, article.attribution),
    categories: union(story.categories, article.categories),
    authors: article.author ? union(story.authors, [article.author]) : story.authors,
    sources: [...story.sources, sourceOf(article)],
  };
  const incident = mergeRecords(story.record, article.record);
  if (incident) merged.record = incident;
  return {
    record: {
      ...record,
      story: merged,
      features: [...record.features, features],
      alert: nextAlert(record.alert, merged),
    },
    changed: true,
  };
}

function nextAlert(alert: AlertState, story: Story): AlertState {
  // Nothing sent yet: the owed "new" alert will carry the latest state anyway.
  if (!story.alerted) return alert;
  const reasons = escalationReasons(story.alerted, story);
  if (reasons.length === 0) return alert;
  const owed = alert.dueSeq > alert.sentSeq;
  return { ...alert, dueSeq: owed ? alert.dueSeq : alert.dueSeq + 1, kind: "update", reasons };
}
