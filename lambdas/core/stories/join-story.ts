/**
 * A flagged article's way into a story, against the store: match it with the stories of the
 * window, merge it (optimistic concurrency), or found a new story. The one code path for the
 * poll Lambda and local mode.
 *
 * Two pollers can read the same candidates at the same instant, each holding a different report
 * of one incident, and each found a story. Incident keys close that gap: before founding a
 * story, the article claims its victims, or its issuer's act of the day when it names no victim
 * (a conditional write, strongly consistent); a poller that finds a key already claimed by a
 * story of the window joins that story instead.
 */
import type { Clock, IncidentClaim, Log, StoryRecord, StoryStore } from "../model/ports.ts";
import type { StoredArticle } from "../model/types.ts";
import { type Arrival, applyArrival } from "./corroboration.ts";
import { authorityFamily } from "./incident.ts";
import { extractFeatures, type StoryFeatures } from "./story-features.ts";
import { DEFAULT_STORY_WINDOW_HOURS, findMatchingStory, mergeIntoStory, newStoryRecord } from "./story.ts";

export interface JoinStoryDeps {
  store: StoryStore;
  clock: Clock;
  log: Log;
  /** Follow-ups join a story first reported at most this long before (or after) them. */
  storyWindowHours?: number;
  /** Waits between attempts after losing a race (injectable; default: short random backoff). */
  pause?: (attempt: number) => Promise<void>;
  /** The reporting feed's tier and the threshold the article was flagged at (stories/corroboration.ts). */
  source?: Omit<Arrival, "articleId">;
}

/** Corroboration, timeline and headline after a report founded (before = null) or joined a story. */
function finish(before: StoryRecord | null, after: StoryRecord, article: StoredArticle, deps: JoinStoryDeps) {
  const source = deps.source ?? { tier: "news" };
  return applyArrival(before, after, { articleId: article.id, ...source }, deps.clock());
}

const STORY_WRITE_ATTEMPTS = 6;
/** A claim whose story still does not exist after this long was left by a crashed poller. */
const ABANDONED_CLAIM_MS = 120_000;
/** Victims an article claims at most (headline ones come first). */
const MAX_CLAIMED_VICTIMS = 3;

/** The match features of a stored article. */
export function featuresOfArticle(article: StoredArticle): StoryFeatures {
  return extractFeatures({
    articleId: article.id,
    feedId: article.feedId,
    sourceName: article.source,
    publishedAt: article.publishedAt,
    title: article.title,
    summary: article.summary,
    actors: article.actors,
    amountUsd: article.amountUsd,
  });
}

/** Acts whose issuer and day identify them when no victim is named (a designation, an indictment, a report). */
const ISSUED_KINDS = ["sanction", "charge", "seizure", "report"];

/**
 * The keys an article claims: its victims; or, naming none, its issuer's act of that day
 * ("issuer:united-states:sanction:2025-11-04"), so two outlets' reports of one designation polled
 * at the same instant cannot found two stories either.
 */
function incidentKeys(features: StoryFeatures): string[] {
  const victims = (features.victims ?? []).slice(0, MAX_CLAIMED_VICTIMS);
  if (victims.length > 0) return victims.map((victim) => `victim:${victim}`);
  const kind = ISSUED_KINDS.find((issued) => features.kinds?.includes(issued));
  if (!features.leadAuthority || !kind) return [];
  return [`issuer:${authorityFamily(features.leadAuthority)}:${kind}:${features.publishedAt.slice(0, 10)}`];
}

async function defaultPause(attempt: number): Promise<void> {
  const ceiling = Math.min(1000, 25 * 2 ** attempt);
  await new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
}

/** Adds a flagged article to its story (existing or new) and returns the story id. Idempotent. */
export async function joinStory(article: StoredArticle, deps: JoinStoryDeps): Promise<string> {
  const windowHours = deps.storyWindowHours ?? DEFAULT_STORY_WINDOW_HOURS;
  const features = featuresOfArticle(article);
  const at = Date.parse(article.publishedAt);
  const from = new Date(at - windowHours * 3_600_000).toISOString();
  const to = new Date(at + windowHours * 3_600_000).toISOString();
  const pause = deps.pause ?? defaultPause;
  for (let attempt = 0; attempt < STORY_WRITE_ATTEMPTS; attempt++) {
    if (attempt > 0) await pause(attempt);
    const candidates = await deps.store.findStoryCandidates(from, to);
    const already = candidates.find((record) => record.story.sources.some((s) => s.articleId === article.id));
    if (already) return already.story.id;
    const match = findMatchingStory(features, candidates.map(asCandidate), windowHours);
    if (match) {
      const record = candidates.find((candidate) => candidate.story.id === match.storyId)!;
      if (await merge(record, article, features, deps)) {
        deps.log.info("story merged", {
          storyId: match.storyId,
          articleId: article.id,
          rule: match.evidence.rule,
          score: match.evidence.score,
        });
        return match.storyId;
      }
      continue; // lost an optimistic-concurrency race: re-read and try again
    }
    const claimed = await claimIncident(article, features, from, deps, windowHours);
    if (claimed === "retry") continue;
    if (claimed) return claimed;
    const record = finish(null, newStoryRecord(article, features, deps.clock()), article, deps);
    if (await deps.store.createStory(record)) return record.story.id;
    // Someone created a story with this id first (a racing poller on the same article).
    const existing = await deps.store.getStoryRecord(record.story.id);
    if (existing?.story.sources.some((source) => source.articleId === article.id)) return existing.story.id;
  }
  throw new Error(`story for article ${article.id} kept changing under us; will retry next poll`);
}

const asCandidate = (record: StoryRecord) => ({
  id: record.story.id,
  publishedAt: record.story.publishedAt,
  features: record.features,
});

async function merge(
  record: StoryRecord,
  article: StoredArticle,
  features: StoryFeatures,
  deps: JoinStoryDeps,
): Promise<boolean> {
  const merged = mergeIntoStory(record, article, features, deps.clock());
  const finished = finish(record, merged.record, article, deps);
  if (!(await deps.store.replaceStory(finished, record.version))) return false;
  // The story now answers for this article's victims too (best effort: a key held elsewhere stays there).
  for (const key of incidentKeys(features)) {
    await deps.store.claimIncidentKey(
      {
        key,
        storyId: record.story.id,
        publishedAt: record.story.publishedAt,
        claimedAt: deps.clock().toISOString(),
      },
      staleBefore(record.story.publishedAt, deps),
      article.id, // a claim this article made before it found this story moves to the story
    );
  }
  return true;
}

function staleBefore(publishedAt: string, deps: JoinStoryDeps): string {
  const windowHours = deps.storyWindowHours ?? DEFAULT_STORY_WINDOW_HOURS;
  return new Date(Date.parse(publishedAt) - windowHours * 3_600_000).toISOString();
}

/**
 * Claims the article's victims before it founds a story. Returns the id of a story it joined
 * instead (one of the window holds a victim and matches), "retry" when a racing poller holds a
 * victim but has not written its story yet, or null to found a new story.
 */
async function claimIncident(
  article: StoredArticle,
  features: StoryFeatures,
  windowStart: string,
  deps: JoinStoryDeps,
  windowHours: number,
): Promise<string | "retry" | null> {
  const now = deps.clock();
  for (const key of incidentKeys(features)) {
    const claim: IncidentClaim = {
      key,
      storyId: article.id,
      publishedAt: article.publishedAt,
      claimedAt: now.toISOString(),
    };
    let holder = await deps.store.claimIncidentKey(claim, windowStart);
    if (!holder) continue;
    const record = await deps.store.getStoryRecord(holder.storyId);
    if (!record) {
      // Claimed by a poller that has not written its story yet, or that crashed before it did.
      if (now.getTime() - Date.parse(holder.claimedAt) < ABANDONED_CLAIM_MS) return "retry";
      holder = await deps.store.claimIncidentKey(claim, windowStart, holder.storyId);
      if (holder) return "retry";
      continue;
    }
    if (record.story.sources.some((source) => source.articleId === article.id)) return record.story.id;
    const match = findMatchingStory(features, [asCandidate(record)], windowHours);
    // Same victim, different incident (amounts far apart, a fine...): found a story without this key.
    if (!match) continue;
    if (await merge(record, article, features, deps)) {
      deps.log.info("story merged on incident key", { storyId: record.story.id, articleId: article.id, key });
      return record.story.id;
    }
    return "retry";
  }
  return null;
}
