/**
 * One feed, one poll: state -> conditional GET -> skip known ids -> classify -> store ->
 * story -> alert -> feed state. Every step that decides "new" is a conditional write in the
 * store, and every step is safe to repeat, so a crash or a second poller never loses an item
 * and never sends an alert twice.
 */
import { classify, DEFAULT_RULES, DEFAULT_THRESHOLD } from "../classifier/classify.ts";
import { extractRecord } from "../record/extract-record.ts";
import type { Fetcher } from "../acquire/fetcher.ts";
import type { Clock, Log, Notifier, PipelineStore, StoryRecord } from "../model/ports.ts";
import { type FeedReadResult, readFeed } from "../acquire/read-feed.ts";
import { nextPollAfterFailure } from "./next-poll.ts";
import { itemIdsHash } from "./item-ids-hash.ts";
import { DEFAULT_STORY_WINDOW_HOURS } from "../stories/story.ts";
import { joinStory } from "../stories/join-story.ts";
import { planDelivery } from "../alerts/delivery.ts";
import type { Article, FeedConfig, FeedState, SourceTier, StoredArticle } from "../model/types.ts";

export interface PipelineDeps {
  store: PipelineStore;
  notifier: Notifier;
  clock: Clock;
  log: Log;
  /** Reads feed URLs (the hardened HTTP client, set up with its address allow-list, timeouts and caps). */
  fetcher: Fetcher;
  /** Stops in-flight fetches early (Lambda deadline, local shutdown); reported as "timeout". */
  signal?: AbortSignal;
  /** Classifier threshold; default: the rules' own. */
  threshold?: number;
  /** Follow-ups join a story first reported at most this long before them. Default 720 (30 days). */
  storyWindowHours?: number;
  /** Stories scoring below this are stored and listed but not alerted. Default 0. */
  minAlertScore?: number;
  /**
   * Stories first reported longer ago than this are not alerted: a newly added feed's backlog
   * must not flood subscribers. Default 168 (7 days).
   */
  maxAlertAgeHours?: number;
  /** How long a poller holds the claim to publish an alert. Default 120 s. */
  alertLeaseSeconds?: number;
  /** Jitter source for backoff; injectable for tests. */
  random?: () => number;
}

export interface PollOutcome {
  feedId: string;
  feedName: string;
  status: "ok" | "not-modified" | "failed" | "skipped";
  /** Failure kind (fetch kinds from fetch.ts, or "store" / "internal"). */
  kind?: string;
  /** For failures: what went wrong, naming the feed. */
  message?: string;
  fetched: number;
  new: number;
  flagged: number;
  alerts: number;
  durationMs: number;
}

/** Per-poll settings from the caller. */
export interface PollOptions {
  /**
   * The feed's state as the caller has just read it (null: it has none), when it read every
   * feed's state anyway to pick the due ones: saves one read per feed. Omitted: read here.
   */
  state?: FeedState | null;
}

/**
 * A feed read (conditional GET and parse) but not yet stored: the first stage of a poll, the
 * one that talks to the feed's host. `done` when the poll ended there (skipped, or failed
 * before storing anything but the feed state).
 */
export type FetchedPoll =
  | { done: PollOutcome }
  | {
      done?: undefined;
      feed: FeedConfig;
      started: number;
      now: Date;
      previous: FeedState | null;
      result: Exclude<FeedReadResult, { status: "failed" }>;
    };

/**
 * Polls one feed end to end. Never throws: a failure comes back as status "failed" with a
 * message naming the feed. An unchanged feed costs reads only: nothing is written.
 */
export async function pollFeed(
  feed: FeedConfig,
  deps: PipelineDeps,
  options?: PollOptions,
): Promise<PollOutcome> {
  return storeFetchedPoll(await fetchForPoll(feed, deps, options), deps);
}

/**
 * The poll's first stage: feed state, backoff check, conditional GET and parse; a failed read is
 * recorded in the feed state here. Never throws. A scheduler can free the feed's host (and its
 * fetch slot) as soon as this resolves, and run storeFetchedPoll beside the next fetches.
 */
export async function fetchForPoll(
  feed: FeedConfig,
  deps: PipelineDeps,
  options: PollOptions = {},
): Promise<FetchedPoll> {
  const started = performance.now();
  const outcome = emptyOutcome(feed);
  const finish = () => ({ ...outcome, durationMs: Math.round(performance.now() - started) });
  try {
    const now = deps.clock();
    const previous = options.state !== undefined ? options.state : await deps.store.getFeedState(feed.id);
    const sameUrl = previous?.url === feed.url;
    if (sameUrl && previous?.nextPollAt && Date.parse(previous.nextPollAt) > now.getTime()) {
      outcome.status = "skipped";
      outcome.message = `${feed.name} (${feed.id}): backing off until ${previous.nextPollAt}`;
      return { done: finish() };
    }
    const result = await readFeed(feed, {
      fetcher: deps.fetcher,
      signal: deps.signal,
      etag: sameUrl ? previous?.etag : undefined,
      lastModified: sameUrl ? previous?.lastModified : undefined,
      now,
    });

    if (result.status === "failed") {
      const failures = (sameUrl ? (previous?.consecutiveFailures ?? 0) : 0) + 1;
      await deps.store.putFeedState({
        feedId: feed.id,
        url: feed.url,
        etag: sameUrl ? previous?.etag : undefined,
        lastModified: sameUrl ? previous?.lastModified : undefined,
        lastStatus: result.kind,
        lastError: result.message,
        lastPolledAt: now.toISOString(),
        lastOkAt: previous?.lastOkAt,
        // Kept from the first failure, so "failing for a day" is measurable even for a feed that never worked.
        // (A state written before failingSince existed counts from its last success.)
        failingSince:
          (failures > 1 ? (previous?.failingSince ?? previous?.lastOkAt) : undefined) ?? now.toISOString(),
        consecutiveFailures: failures,
        nextPollAt: nextPollAfterFailure(now, failures, result.retryAfterSeconds, deps.random).toISOString(),
        itemIdsHash: sameUrl ? previous?.itemIdsHash : undefined,
      });
      deps.log.warn("feed failed", { feedId: feed.id, kind: result.kind, failures, message: result.message });
      return { done: failed(outcome, result.kind, result.message, finish) };
    }
    return { feed, started, now, previous, result };
  } catch (error) {
    return { done: internalFailure(feed, error, deps.log, outcome, finish) };
  }
}

/**
 * The poll's second stage: skip known items, classify, store, join stories, alert, then the
 * feed state. Never throws. Talks to the store and the notifier only, never to the feed's host.
 */
export async function storeFetchedPoll(fetched: FetchedPoll, deps: PipelineDeps): Promise<PollOutcome> {
  if (fetched.done) return fetched.done;
  const { feed, started, now, previous, result } = fetched;
  const outcome = emptyOutcome(feed);
  const finish = () => ({ ...outcome, durationMs: Math.round(performance.now() - started) });
  try {
    const sameUrl = previous?.url === feed.url;
    let storeFailure: string | undefined;
    let idsHash = sameUrl ? previous?.itemIdsHash : undefined;
    if (result.status === "ok") {
      outcome.fetched = result.articles.length;
      const hash = itemIdsHash(result.articles.map((article) => article.id));
      // The same items as the last fully stored poll: every one is known, so skip the known-ids read.
      if (hash !== idsHash) {
        storeFailure = await storeArticles(result.articles, feed.tier ?? "news", deps, outcome);
        if (!storeFailure) idsHash = hash;
      }
    } else {
      outcome.status = "not-modified";
    }

    // A write that failed must not be hidden by the next conditional GET: keep the old validators.
    const next: FeedState = {
      feedId: feed.id,
      url: feed.url,
      etag: storeFailure ? previous?.etag : result.etag,
      lastModified: storeFailure ? previous?.lastModified : result.lastModified,
      // A 304 is a healthy feed: recording it as its own status would rewrite the state every other poll.
      lastStatus: storeFailure ? "store" : "ok",
      lastError: storeFailure,
      lastPolledAt: now.toISOString(),
      lastOkAt: storeFailure ? previous?.lastOkAt : now.toISOString(),
      consecutiveFailures: 0,
      itemIdsHash: idsHash,
    };
    if (!previous || stateChanged(previous, next)) await deps.store.putFeedState(next);
    if (storeFailure) return failed(outcome, "store", storeFailure, finish);
    return finish();
  } catch (error) {
    return internalFailure(feed, error, deps.log, outcome, finish);
  }
}

function emptyOutcome(feed: FeedConfig): PollOutcome {
  return {
    feedId: feed.id,
    feedName: feed.name,
    status: "ok",
    fetched: 0,
    new: 0,
    flagged: 0,
    alerts: 0,
    durationMs: 0,
  };
}

function internalFailure(
  feed: FeedConfig,
  error: unknown,
  log: Log,
  outcome: PollOutcome,
  finish: () => PollOutcome,
): PollOutcome {
  const message = `${feed.name} (${feed.id}): ${errorMessage(error)}`;
  log.error("poll failed", { feedId: feed.id, message });
  return failed(outcome, "internal", message, finish);
}

function failed(outcome: PollOutcome, kind: string, message: string, finish: () => PollOutcome): PollOutcome {
  outcome.status = "failed";
  outcome.kind = kind;
  outcome.message = message;
  return finish();
}

/** Fields whose change is worth a write; timestamps alone are not (an unchanged feed writes nothing). */
function stateChanged(previous: FeedState, next: FeedState): boolean {
  const keys: (keyof FeedState)[] = [
    "url",
    "etag",
    "lastModified",
    "lastStatus",
    "lastError",
    "consecutiveFailures",
    "nextPollAt",
    "itemIdsHash",
  ];
  return keys.some((key) => (previous[key] ?? null) !== (next[key] ?? null));
}

/**
 * Classifies and stores the feed's unknown articles, oldest first (so a story's first report
 * founds it), joining flagged ones to stories and alerting. Returns an error message when any
 * article could not be stored (it stays unknown, to be retried next poll), else undefined.
 */
async function storeArticles(
  articles: Article[],
  tier: SourceTier,
  deps: PipelineDeps,
  outcome: PollOutcome,
): Promise<string | undefined> {
  const unique = [...new Map(articles.map((article) => [article.id, article])).values()];
  const unknown = new Set(await deps.store.filterUnknownArticleIds(unique.map((article) => article.id)));
  const fresh = unique
    .filter((article) => unknown.has(article.id))
    .map((article) => ({ ...article, publishedAt: isoOrSelf(article.publishedAt) }))
    .sort((a, b) => a.publishedAt.localeCompare(b.publishedAt));
  const failures: string[] = [];
  const notStored = (articleId: string, feedId: string, error: string) => {
    failures.push(`${articleId}: ${error}`);
    deps.log.error("article not stored", { feedId, articleId, error });
  };
  // Unflagged articles decide nothing (no story, no alert), so after the known-ids read they are
  // written together in batches rather than with one conditional put each. A lone one keeps the
  // conditional put: a batch of one buys nothing.
  const unflagged: StoredArticle[] = [];
  for (const article of fresh) {
    try {
      const verdict = classify(
        { title: article.title, summary: article.summary, content: article.content },
        { threshold: deps.threshold },
      );
      const stored: StoredArticle = { ...article, ...verdict, storyId: null };
      if (!verdict.flagged) {
        unflagged.push(stored);
        continue;
      }
      stored.record = extractRecord(article);
      // Story first, article last: the article's conditional put is what marks it known, so a
      // crash in between leaves it unknown and the (idempotent) story step is simply redone.
      stored.storyId = await joinStory(stored, {
        ...deps,
        source: {
          tier,
          threshold: deps.threshold ?? DEFAULT_THRESHOLD,
          severityLevels: DEFAULT_RULES.scoring.severity,
        },
      });
      if (await deps.store.putArticleIfNew(stored)) {
        outcome.new++;
        outcome.flagged++;
      }
      if (stored.storyId) outcome.alerts += await deliverAlert(stored.storyId, deps);
    } catch (error) {
      notStored(article.id, article.feedId, errorMessage(error));
    }
  }
  if (unflagged.length === 1) {
    const [only] = unflagged as [StoredArticle];
    try {
      if (await deps.store.putArticleIfNew(only)) outcome.new++;
    } catch (error) {
      notStored(only.id, only.feedId, errorMessage(error));
    }
  } else if (unflagged.length > 1) {
    try {
      const unwritten = await deps.store.putNewArticles(unflagged);
      outcome.new += unflagged.length - unwritten.length;
      for (const { id, error } of unwritten) notStored(id, unflagged[0]!.feedId, error);
    } catch (error) {
      for (const article of unflagged) notStored(article.id, article.feedId, errorMessage(error));
    }
  }
  if (failures.length === 0) return undefined;
  const feed = fresh[0]?.source ?? "feed";
  return `${feed} (${fresh[0]?.feedId}): ${failures.length} article(s) not stored, will retry: ${failures.slice(0, 3).join("; ")}`;
}

/** Messages one story can owe at once: the first or a corroboration, then an update. */
const MAX_MESSAGES_PER_DELIVERY = 3;

/**
 * Sends the alerts a story owes, each at most once: claim (conditional, with a lease), publish,
 * record. A failed publish releases the claim and leaves the alert owed for a later cycle.
 * Returns how many alerts were published.
 */
async function deliverAlert(storyId: string, deps: PipelineDeps): Promise<number> {
  let sent = 0;
  for (let round = 0; round < MAX_MESSAGES_PER_DELIVERY; round++) {
    const outcome = await deliverOne(storyId, deps);
    if (outcome === "none" || outcome === "failed") break;
    if (outcome === "sent") sent++;
  }
  return sent;
}

async function deliverOne(
  storyId: string,
  deps: PipelineDeps,
): Promise<"sent" | "settled" | "failed" | "none"> {
  const now = deps.clock();
  const record = await deps.store.claimAlert(storyId, now, deps.alertLeaseSeconds ?? 120);
  if (!record) return "none";
  const plan = planDelivery(record, now, {
    minAlertScore: deps.minAlertScore ?? 0,
    maxAlertAgeHours: deps.maxAlertAgeHours ?? 168,
  });
  if (plan.action === "suppress") {
    // Not worth a message: settle it so it is not retried forever, and say why.
    await deps.store.completeAlert(storyId, plan.seq, plan.snapshot);
    deps.log.info("alert suppressed", {
      storyId,
      kind: plan.kind,
      reason: plan.reason,
      score: record.story.score,
      publishedAt: record.story.publishedAt,
    });
    return "settled";
  }
  try {
    await deps.notifier.send(plan.alert);
  } catch (error) {
    await deps.store.releaseAlert(storyId, errorMessage(error));
    deps.log.warn("alert not sent, will retry", { storyId, error: errorMessage(error) });
    return "failed";
  }
  await deps.store.completeAlert(storyId, plan.seq, plan.snapshot);
  deps.log.info("alert sent", { storyId, kind: plan.alert.kind, sources: record.story.sources.length });
  return "sent";
}

/**
 * Publishes alerts still owed by recent stories (a publish failed, or a poller crashed between
 * claim and publish and its lease ran out). Returns how many were sent.
 */
export async function retryPendingAlerts(deps: PipelineDeps): Promise<number> {
  const lookbackHours =
    (deps.maxAlertAgeHours ?? 168) + (deps.storyWindowHours ?? DEFAULT_STORY_WINDOW_HOURS);
  const since = new Date(deps.clock().getTime() - lookbackHours * 3_600_000).toISOString();
  const pending: StoryRecord[] = await deps.store.listPendingAlerts(since);
  let sent = 0;
  for (const record of pending) {
    try {
      sent += await deliverAlert(record.story.id, deps);
    } catch (error) {
      deps.log.error("pending alert failed", { storyId: record.story.id, error: errorMessage(error) });
    }
  }
  return sent;
}

function isoOrSelf(value: string): string {
  const time = Date.parse(value);
  return Number.isNaN(time) ? value : new Date(time).toISOString();
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
