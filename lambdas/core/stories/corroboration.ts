/**
 * Corroboration: how many independent voices report a story, whether that is enough to call
 * it corroborated, and what the subscribers are owed when it becomes so. Also keeps the
 * story's timeline and takes its headline from its earliest report. Pure; the pipeline calls
 * `applyArrival` after a report founded or joined a story.
 */
import type { StoryRecord } from "../model/ports.ts";
import type {
  Corroboration,
  Severity,
  SourceTier,
  Story,
  StorySource,
  TimelineEvent,
} from "../model/types.ts";
import type { SeverityRules } from "../classifier/rules.ts";
import { severityOf } from "../classifier/severity.ts";
import { higherSeverity } from "../model/severity.ts";
import { escalationReasons } from "./story.ts";
import type { StoryFeatures } from "./story-features.ts";

/** What each tier means. Data, not branches: a new tier is a new row. */
export const SOURCE_TIERS: Record<SourceTier, { corroboratesAlone: boolean; label: string }> = {
  official: { corroboratesAlone: true, label: "official source" },
  research: { corroboratesAlone: true, label: "forensics research" },
  news: { corroboratesAlone: false, label: "news" },
};

/** Independent outlets needed to corroborate a story when none of them corroborates alone. */
export const INDEPENDENT_SOURCES_NEEDED = 2;

/**
 * Two reports from different outlets are one wire story told twice when their headlines
 * share at least this share of words (Jaccard)...
 */
export const SYNDICATED_TITLE_SIMILARITY = 0.8;
/** ...and, when both reports' texts are known, their title + summary words at least this share. */
export const SYNDICATED_TEXT_SIMILARITY = 0.6;

/** Most timeline events kept on a story: the first, then the latest. */
export const MAX_TIMELINE = 60;

/** Names copied into corroboration and the timeline are capped like stored source names. */
const MAX_NAME = 200;
const capName = (name: string) => (name.length > MAX_NAME ? `${name.slice(0, MAX_NAME - 1)}…` : name);
/** At most this many names in `corroboration.by`. */
const MAX_BY = 10;

export function isSourceTier(value: unknown): value is SourceTier {
  return typeof value === "string" && Object.hasOwn(SOURCE_TIERS, value);
}

const tierOf = (source: StorySource): SourceTier => source.tier ?? "news";

function hostOf(url: string | null): string | null {
  if (!url) return null;
  try {
    return new URL(url).hostname.toLowerCase().replace(/^www\./, "");
  } catch {
    return null;
  }
}

const WORD = /[\p{L}\p{N}]+/gu;

function titleWords(title: string): Set<string> {
  return new Set((title.normalize("NFKC").toLowerCase().match(WORD) ?? []).filter((w) => w.length > 1));
}

function jaccard(a: Set<string>, b: Set<string>): number {
  let shared = 0;
  for (const value of a) if (b.has(value)) shared++;
  const union = a.size + b.size - shared;
  return union === 0 ? 0 : shared / union;
}

/** Same outlet: the same feed, the same site, or the same name under two feeds. */
function sameOutlet(a: StorySource, b: StorySource): boolean {
  if (a.feedId === b.feedId) return true;
  if (a.name.trim().toLowerCase() === b.name.trim().toLowerCase()) return true;
  const hostA = hostOf(a.url);
  return hostA !== null && hostA === hostOf(b.url);
}

/** One wire story carried by two outlets: near-identical headline and, when known, text. */
export function isSyndicatedCopy(
  a: StorySource,
  b: StorySource,
  featuresA?: StoryFeatures,
  featuresB?: StoryFeatures,
): boolean {
  return similarEnough(titleWords(a.title), titleWords(b.title), featuresA, featuresB);
}

function similarEnough(
  wordsA: Set<string>,
  wordsB: Set<string>,
  featuresA?: StoryFeatures,
  featuresB?: StoryFeatures,
): boolean {
  if (wordsA.size === 0 || wordsB.size === 0) return false;
  if (jaccard(wordsA, wordsB) < SYNDICATED_TITLE_SIMILARITY) return false;
  if (!featuresA || !featuresB) return true;
  return jaccard(new Set(featuresA.words), new Set(featuresB.words)) >= SYNDICATED_TEXT_SIMILARITY;
}

/**
 * Groups a story's reports into independent voices: reports from one outlet, and syndicated
 * copies of one wire story, fall into the same group. Groups are in order of first report.
 */
export function independentGroups(sources: StorySource[], features: StoryFeatures[] = []): StorySource[][] {
  const byArticle = new Map(features.map((f) => [f.articleId, f]));
  const ordered = [...sources].sort((a, b) => a.publishedAt.localeCompare(b.publishedAt));
  const words = ordered.map((source) => titleWords(source.title));
  const parent = ordered.map((_, index) => index);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  for (let i = 0; i < ordered.length; i++) {
    for (let j = 0; j < i; j++) {
      const a = ordered[i]!;
      const b = ordered[j]!;
      const same =
        sameOutlet(a, b) ||
        similarEnough(words[i]!, words[j]!, byArticle.get(a.articleId), byArticle.get(b.articleId));
      if (same) parent[find(i)] = find(j);
    }
  }
  const groups = new Map<number, StorySource[]>();
  ordered.forEach((source, index) => {
    const root = find(index);
    groups.set(root, [...(groups.get(root) ?? []), source]);
  });
  return [...groups.values()];
}

/** Whether the story is corroborated, by how many independent voices, and by whom. */
export function corroborationOf(
  sources: StorySource[],
  features: StoryFeatures[] = [],
  previous?: Corroboration,
  now?: Date,
): Corroboration {
  const groups = independentGroups(sources, features);
  const alone = sources.filter((source) => SOURCE_TIERS[tierOf(source)].corroboratesAlone);
  const corroborated = alone.length > 0 || groups.length >= INDEPENDENT_SOURCES_NEEDED;
  const names = (list: StorySource[]) =>
    [...new Set(list.map((source) => capName(source.name)))].slice(0, MAX_BY);
  const result: Corroboration = {
    corroborated,
    independentSources: groups.length,
    by: !corroborated ? [] : alone.length > 0 ? names(alone) : names(groups.map((group) => group[0]!)),
  };
  const at = previous?.corroborated ? previous.at : corroborated ? now?.toISOString() : undefined;
  if (at) result.at = at;
  return result;
}

/** Whether the story counts as corroborated (stories stored before tracking: two feeds). */
export function isCorroborated(story: Story): boolean {
  return (
    story.corroboration?.corroborated ??
    new Set(story.sources.map((s) => s.feedId)).size >= INDEPENDENT_SOURCES_NEEDED
  );
}

/** The report that arrived, as the pipeline knows it. */
export interface Arrival {
  articleId: string;
  tier: SourceTier;
  /** The flagging threshold it was classified with, shown beside the score. */
  threshold?: number;
  /** The severity levels (rules.json scoring.severity): a story's severity is judged again with its corroboration. */
  severityLevels?: SeverityRules;
}

/**
 * Finishes a story after `after` was founded (before = null) or merged from `before` by one
 * report: records the report's tier, recomputes corroboration, takes headline, link and date
 * from the earliest report, appends the timeline, and counts the alerts owed.
 */
export function applyArrival(
  before: StoryRecord | null,
  after: StoryRecord,
  arrival: Arrival,
  now: Date,
): StoryRecord {
  const sources = after.story.sources.map((source) =>
    source.articleId === arrival.articleId ? { ...source, tier: arrival.tier } : source,
  );
  const arrived = sources.find((source) => source.articleId === arrival.articleId);
  const corroboration = corroborationOf(sources, after.features, before?.story.corroboration, now);
  const story: Story = { ...headlineFromEarliest({ ...after.story, sources }), corroboration };
  if (arrival.threshold !== undefined) story.threshold = arrival.threshold;
  if (arrival.severityLevels) story.severity = storySeverity(story, arrival.severityLevels);
  story.timeline = timelineAfter(before?.story ?? null, story, arrived, now);
  return { ...after, story, alert: alertsOwed(after, story) };
}

/**
 * Severity by impact for the story as a whole: its largest amount, firmest attribution and
 * corroboration (one article alone cannot know the last); never lower than its reports'.
 */
function storySeverity(story: Story, levels: SeverityRules): Severity {
  const judged = severityOf(
    { amountUsd: story.amountUsd, attribution: story.attribution, corroborated: isCorroborated(story) },
    levels,
  );
  return higherSeverity(judged, story.severity);
}

/** Headline, link and date all come from the earliest report, so they always agree. */
function headlineFromEarliest(story: Story): Story {
  const earliest = [...story.sources].sort((a, b) => a.publishedAt.localeCompare(b.publishedAt))[0];
  if (!earliest) return story;
  return {
    ...story,
    title: earliest.title || story.title,
    url: earliest.url,
    publishedAt: earliest.publishedAt,
  };
}

function timelineAfter(
  before: Story | null,
  story: Story,
  arrived: StorySource | undefined,
  now: Date,
): TimelineEvent[] {
  const events = [...(before?.timeline ?? story.timeline ?? [])];
  if (!arrived) return events;
  const at = now.toISOString();
  const base = { at, articleId: arrived.articleId, sourceName: capName(arrived.name) };
  events.push({ ...base, kind: "source" });
  if (before && before.attribution !== story.attribution) {
    events.push({ ...base, kind: "attribution", from: before.attribution, to: story.attribution });
  }
  if (before && before.amountUsd !== story.amountUsd) {
    const text = (value: number | null) => (value === null ? null : String(value));
    events.push({ ...base, kind: "amount", from: text(before.amountUsd), to: text(story.amountUsd) });
  }
  if (story.corroboration?.corroborated && !before?.corroboration?.corroborated) {
    events.push({ ...base, kind: "corroborated" });
  }
  return events.length > MAX_TIMELINE ? [events[0]!, ...events.slice(-(MAX_TIMELINE - 1))] : events;
}

/**
 * What the subscribers are owed, derived from what they were last told: one `corroborated`
 * message when the story became corroborated after its first message said it was not, and
 * one `update` when it escalated. Nothing is owed beyond the first message until it is sent
 * (that message carries the latest state).
 */
export function alertsOwed(record: StoryRecord, story: Story): StoryRecord["alert"] {
  const { alert } = record;
  const told = story.alerted;
  if (!told || alert.sentSeq === 0) return alert;
  const corroborationOwed = told.corroborated === false && isCorroborated(story);
  const reasons = escalationReasons(told, story);
  const owed = (corroborationOwed ? 1 : 0) + (reasons.length > 0 ? 1 : 0);
  if (owed === 0) return alert;
  return {
    ...alert,
    dueSeq: Math.max(alert.dueSeq, alert.sentSeq + owed),
    kind: corroborationOwed ? "corroborated" : "update",
    reasons,
  };
}
