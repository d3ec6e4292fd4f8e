/**
 * One incident, one story: whether an article reports the same incident as an existing story
 * (the same victim, amount and issuer, or similar words with shared specifics, within the story
 * window), and how a story absorbs a new report (every source kept, the strongest claims win,
 * an escalation owes one update). Pure.
 */
import type { AlertState, StoryRecord } from "../model/ports.ts";
import { sameAuthority } from "./incident.ts";
import type { StoryFeatures } from "./story-features.ts";
import { mergeRecords } from "../record/extract-record.ts";
import { higherSeverity, SEVERITIES } from "../model/severity.ts";
import type { AttributionStage, StoredArticle, Story, StorySource } from "../model/types.ts";

/**
 * Follow-ups of one incident (an attribution, a revised amount, a freeze, a recovery) join it
 * while its first report is at most this old: weeks, not days.
 */
export const DEFAULT_STORY_WINDOW_HOURS = 30 * 24;

/** Reports matched on text alone (no shared victim) must be this close: one news cycle. */
export const TEXT_MATCH_WINDOW_HOURS = 72;

/** Two reports of one victim within this many hours, with no conflicting figures, break the same news. */
const SAME_CYCLE_HOURS = 24;

/** Reports of one issuer (an agency's designation, a firm's report) stay one story this long: feeds lag. */
const ISSUER_WINDOW_HOURS = 96;
/** ...given this much evidence besides the issuer (some words or figures in common). */
const ISSUER_MIN_SCORE = 3;

/** Evidence points needed to call two reports one story (see compareFeatures). */
export const MATCH_THRESHOLD = 4;

/** Headlines sharing this share of their words are one story told twice (syndication, a rewrite). */
const NEAR_IDENTICAL_HEADLINE = 0.6;

/** Two amounts within this factor are one figure told twice ("$30M", "$36.9 million"). */
const AMOUNT_TOLERANCE = 1.3;

const ATTRIBUTION_RANK: Record<AttributionStage, number> = { suspected: 0, attributed: 1, confirmed: 2 };

/** Why two reports do or do not look like the same event. */
export interface MatchEvidence {
  /** How the decision was reached: one victim (identity), similar text, or no match. */
  rule: "identity" | "text" | "issuer" | "none";
  /** Victims both name as robbed (or one names and the other mentions). */
  sharedVictims: string[];
  /** Both name a victim and the victims differ. */
  victimConflict: boolean;
  /** What keeps them apart whatever the text: a fine vs a theft, a recap, amounts far apart... */
  vetoes: string[];
  /** Distinctive names both mention (an exchange, a protocol, a malware family...). */
  sharedNames: string[];
  /** Figures both state (rounded), other than years. */
  sharedNumbers: string[];
  sharedYears: string[];
  /** Actors and attributing bodies both name: common to many events, so weak. */
  sharedAttribution: string[];
  /** Agencies, governments and firms both name as issuing a finding or measure. */
  sharedAuthorities: string[];
  /** Sub-group names both give (not the umbrella names). */
  sharedActors: string[];
  /** Stated amounts: within the tolerance, more than a factor 3 apart, or not both stated. */
  amounts: "agree" | "conflict" | "unknown";
  /** Jaccard similarity of the content words. */
  wordSimilarity: number;
  /** Jaccard similarity of the headline words alone. */
  titleSimilarity: number;
  hoursApart: number;
  score: number;
  same: boolean;
}

function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let shared = 0;
  for (const value of a) if (b.has(value)) shared++;
  const union = a.size + b.size - shared;
  return union === 0 ? 0 : shared / union;
}

/** Sets of one report's words, built once per report however many stories it is compared with. */
interface WordSets {
  words: ReadonlySet<string>;
  titleWords: ReadonlySet<string>;
  vocabulary: ReadonlySet<string>;
}
const wordSetCache = new WeakMap<StoryFeatures, WordSets>();
function wordSets(f: StoryFeatures): WordSets {
  let sets = wordSetCache.get(f);
  if (!sets) {
    sets = {
      words: new Set(f.words),
      titleWords: new Set(f.titleWords),
      vocabulary: new Set([...f.names, ...f.words]),
    };
    wordSetCache.set(f, sets);
  }
  return sets;
}

function intersect(a: Iterable<string>, b: ReadonlySet<string>): string[] {
  return [...new Set([...a].filter((value) => b.has(value)))];
}

/** Victim keys of one side found among the other's victims (one key may extend the other: "harmony" / "harmonyhorizon") or names. */
function sharedVictimsOf(a: StoryFeatures, b: StoryFeatures): string[] {
  const shared = new Set<string>();
  const bVictims = b.victims ?? [];
  const bNames = wordSets(b).vocabulary;
  for (const victim of a.victims ?? []) {
    const met = bVictims.some(
      (other) =>
        other === victim ||
        (Math.min(other.length, victim.length) >= 4 &&
          (other.startsWith(victim) || victim.startsWith(other))),
    );
    if (met || bNames.has(victim)) shared.add(victim);
  }
  return [...shared];
}

/** Money figures of one report: the classifier's amount and any large figure stated. */
function moneyFigures(f: StoryFeatures): number[] {
  const figures = f.numbers.map(Number).filter((value) => value >= 100_000);
  return f.amountUsd !== null && f.amountUsd > 0 ? [f.amountUsd, ...figures] : figures;
}

function compareAmounts(a: StoryFeatures, b: StoryFeatures): MatchEvidence["amounts"] {
  const ratio = (x: number, y: number) => Math.max(x, y) / Math.min(x, y);
  const agree = moneyFigures(a).some((x) => moneyFigures(b).some((y) => ratio(x, y) <= AMOUNT_TOLERANCE));
  if (agree && (a.amountUsd === null || b.amountUsd === null || ratio(a.amountUsd, b.amountUsd) <= 3))
    return "agree";
  if (a.amountUsd !== null && b.amountUsd !== null && a.amountUsd > 0 && b.amountUsd > 0) {
    if (ratio(a.amountUsd, b.amountUsd) > 3) return "conflict";
  }
  return "unknown";
}

/**
 * Compares two reports. Three rules, each explainable (docs/store-and-alerts.md):
 * - identity: both name the same victim, the amounts do not conflict, and one more thing agrees
 *   (an amount, a figure, another name, similar words, or the same day without conflicting
 *   figures); valid over the whole story window (weeks), so follow-ups join.
 * - text: no conflicting victims, within one news cycle, at least one specific in common (a
 *   distinctive name, a figure, a shared issuer or sub-group, an agreeing amount) and enough
 *   evidence overall: names and figures weigh 2 each, agreeing amounts 1.5, a shared authority 1,
 *   a shared sub-group 1, years and attribution 0.5 each (at most two of each), word similarity
 *   10 x Jaccard, headline similarity 5 x Jaccard, and closeness in time up to 1.5 (fading to 0
 *   at 24 hours apart); when both state figures and none agree, 1 is taken off. A near-identical
 *   headline needs no specific.
 * - issuer: neither names a victim, both lead with the same issuer, within a few days, with some
 *   evidence besides (one designation or report told by many outlets and languages).
 * Vetoes whatever the rule: a fine or penalty against anything else (a fine is not a heist), a
 * recap or digest (it retells many events), amounts far apart resting on a single specific,
 * sanctions or charges led by different authorities.
 */
export function compareFeatures(a: StoryFeatures, b: StoryFeatures): MatchEvidence {
  const setsA = wordSets(a);
  const setsB = wordSets(b);
  const wordsA = setsA.words;
  const wordsB = setsB.words;
  const vocabularyA = setsA.vocabulary;
  const vocabularyB = setsB.vocabulary;
  const sharedNames = [...new Set([...intersect(a.names, vocabularyB), ...intersect(b.names, vocabularyA)])];
  const sharedNumbers = intersect(a.numbers, new Set(b.numbers));
  const sharedYears = intersect(a.years, new Set(b.years));
  const sharedAttribution = intersect(a.attribution, new Set(b.attribution));
  const sharedAuthorities = intersect(a.authorities ?? [], new Set(b.authorities ?? []));
  const sharedActors = intersect(a.specificActors ?? [], new Set(b.specificActors ?? []));
  const leadA = a.leadAuthority ?? null;
  const leadB = b.leadAuthority ?? null;
  const sameIssuer = leadA !== null && leadB !== null && sameAuthority(leadA, leadB);
  const sharedVictims = [...new Set([...sharedVictimsOf(a, b), ...sharedVictimsOf(b, a)])];
  const victimConflict =
    (a.victims ?? []).length > 0 && (b.victims ?? []).length > 0 && sharedVictims.length === 0;
  const wordSimilarity = jaccard(wordsA, wordsB);
  const titleSimilarity = jaccard(setsA.titleWords, setsB.titleWords);
  const hoursApart = Math.abs(Date.parse(a.publishedAt) - Date.parse(b.publishedAt)) / 3_600_000;
  const amounts = compareAmounts(a, b);

  const victimNames = new Set(sharedVictims);
  const otherNames = sharedNames.filter((name) => !victimNames.has(name));
  const specifics = sharedNames.length + sharedNumbers.length;
  // Both state figures and none agree: they are probably describing different facts.
  const figuresDisagree = a.numbers.length > 0 && b.numbers.length > 0 && sharedNumbers.length === 0;
  const score =
    2 * sharedNames.length +
    2 * sharedNumbers.length +
    0.5 * Math.min(2, sharedYears.length) +
    0.5 * Math.min(2, sharedAttribution.length) +
    Math.min(1, sharedAuthorities.length) +
    Math.min(1, sharedActors.length) +
    (amounts === "agree" ? 1.5 : 0) +
    10 * wordSimilarity +
    5 * titleSimilarity +
    // Reports of one event break within hours of each other; follow-ups days later share names, not the moment.
    1.5 * Math.max(0, 1 - hoursApart / 24) -
    (figuresDisagree ? 1 : 0);

  const kindsA = new Set(a.kinds ?? []);
  const kindsB = new Set(b.kinds ?? []);
  const sharedKinds = intersect(kindsA, kindsB).filter((kind) => kind !== "fine" && kind !== "recap");
  const vetoes: string[] = [];
  if (kindsA.has("fine") !== kindsB.has("fine")) vetoes.push("a fine is not the event");
  if (kindsA.has("recap") || kindsB.has("recap")) vetoes.push("a recap retells many events");
  if (amounts === "conflict" && specifics + sharedVictims.length < 2) vetoes.push("amounts far apart");
  const measures = (kinds: Set<string>) => kinds.has("sanction") || kinds.has("charge");
  if (measures(kindsA) && measures(kindsB) && leadA !== null && leadB !== null && !sameIssuer) {
    vetoes.push("measures by different authorities");
  }

  const identity =
    sharedVictims.length > 0 &&
    amounts !== "conflict" &&
    (amounts === "agree" ||
      sharedNumbers.length > 0 ||
      otherNames.length > 0 ||
      titleSimilarity >= 0.2 ||
      wordSimilarity >= 0.15 ||
      (hoursApart <= SAME_CYCLE_HOURS && !figuresDisagree));
  // A syndicated copy or a near-identical headline needs no specific in common.
  const copy = titleSimilarity >= NEAR_IDENTICAL_HEADLINE;
  const text =
    !victimConflict &&
    hoursApart <= TEXT_MATCH_WINDOW_HOURS &&
    (copy ||
      // An agreeing amount or a sub-group's name is a specific, never enough alone: the score
      // still needs words in common.
      (specifics +
        Math.min(1, sharedAuthorities.length + sharedActors.length) +
        (amounts === "agree" ? 1 : 0) >=
        1 &&
        score >= MATCH_THRESHOLD));
  // One report, designation or indictment carried by many outlets: no victim, the same issuer,
  // within a few days (outlets and their feeds lag), some words in common.
  const issuer =
    sameIssuer &&
    (a.victims ?? []).length === 0 &&
    (b.victims ?? []).length === 0 &&
    hoursApart <= ISSUER_WINDOW_HOURS &&
    amounts !== "conflict" &&
    // The same kind of act (a designation and a designation) counts as a point of evidence here.
    score + (sharedKinds.length > 0 ? 1 : 0) >= ISSUER_MIN_SCORE;
  const rule =
    vetoes.length > 0 ? "none" : identity ? "identity" : text ? "text" : issuer ? "issuer" : "none";
  return {
    rule,
    sharedVictims,
    victimConflict,
    vetoes,
    sharedNames,
    sharedNumbers,
    sharedYears,
    sharedAttribution,
    sharedAuthorities,
    sharedActors,
    amounts,
    wordSimilarity,
    titleSimilarity,
    hoursApart: Math.round(hoursApart * 10) / 10,
    score: Math.round(score * 100) / 100,
    same: rule !== "none",
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
 * within `windowHours` of the article qualify; among them the highest-scoring match wins, less a
 * point per day apart.
 */
export function findMatchingStory(
  features: StoryFeatures,
  candidates: MatchCandidate[],
  windowHours = DEFAULT_STORY_WINDOW_HOURS,
): { storyId: string; evidence: MatchEvidence } | null {
  const at = Date.parse(features.publishedAt);
  let best: { storyId: string; evidence: MatchEvidence; rank: number } | null = null;
  for (const candidate of candidates) {
    if (Math.abs(Date.parse(candidate.publishedAt) - at) > windowHours * 3_600_000) continue;
    for (const other of candidate.features) {
      const evidence = compareFeatures(features, other);
      // Among matches, the report of the same days wins over an older one of the same victim.
      const rank = evidence.score - evidence.hoursApart / 24;
      if (evidence.same && (!best || rank > best.rank)) best = { storyId: candidate.id, evidence, rank };
    }
  }
  return best && { storyId: best.storyId, evidence: best.evidence };
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
  if (SEVERITIES.indexOf(story.severity) > SEVERITIES.indexOf(alerted.severity)) {
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
    severity: higherSeverity(story.severity, article.severity),
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

/** One line saying why two reports were judged one story (or not). */
export function describeEvidence(evidence: MatchEvidence): string {
  const parts: string[] = [evidence.rule === "none" ? "no match" : `${evidence.rule} match`];
  if (evidence.sharedVictims.length) parts.push(`victim ${evidence.sharedVictims.join(", ")}`);
  if (evidence.amounts !== "unknown") parts.push(`amounts ${evidence.amounts}`);
  if (evidence.sharedNames.length) parts.push(`names ${evidence.sharedNames.join(", ")}`);
  if (evidence.sharedNumbers.length) parts.push(`figures ${evidence.sharedNumbers.join(", ")}`);
  if (evidence.sharedAuthorities.length) parts.push(`issued by ${evidence.sharedAuthorities.join(", ")}`);
  if (evidence.sharedActors.length) parts.push(`sub-group ${evidence.sharedActors.join(", ")}`);
  if (evidence.sharedAttribution.length) parts.push(`attribution ${evidence.sharedAttribution.join(", ")}`);
  parts.push(
    `words ${evidence.wordSimilarity.toFixed(2)}`,
    `headline ${evidence.titleSimilarity.toFixed(2)}`,
    `${evidence.hoursApart} h apart`,
  );
  if (evidence.vetoes.length) parts.push(`vetoed: ${evidence.vetoes.join(", ")}`);
  return `${parts.join("; ")} (score ${evidence.score})`;
}
